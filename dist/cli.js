#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  DAY_MS,
  DEFAULT_TOLERANCE_MS,
  DELIVERY_RETENTION_MS,
  HOUR_MS,
  actorOf,
  approvalView,
  changeSetOf,
  deployOutcome,
  detailString,
  formatDuration,
  formatTime,
  formatWindow,
  parseDuration,
  parsePointInTime,
  pullRequestOf,
  quoted,
  reviewedAt,
  reviewedOverride,
  shortSha
} from "./cli-chunks/chunk-EHKD5DQU.js";
import {
  AppendError,
  BADGE_ORDER,
  CHANGE_TYPES,
  MAX_DETAILS_BYTES,
  RECORDABLE_TYPES,
  Spool,
  TileModel,
  TipObjects,
  appendEntry,
  badgeFor,
  badgeOf,
  cachedTip,
  checkBranchName,
  checkCommitPrefix,
  checkNewEntry,
  csvCell,
  csvHeaderLine,
  csvRowStart,
  decodeEntry,
  decodeUtf8,
  defaultJobs,
  entriesForCommit,
  entryHashBytes,
  environmentProblem,
  findSigner,
  groupProblems,
  ledgerCommitOfSeq,
  lineForSeq,
  listLedgerBranches,
  newestLines,
  newestLinesByWindow,
  openRepo,
  openTip,
  proveFromTiles,
  readEntries,
  readEntryAt,
  readTipCommit,
  renderProblems,
  toRows,
  verifyLedger
} from "./cli-chunks/chunk-IMRVCWOU.js";
import {
  deployOf,
  distinctNames,
  openCheckout,
  sameName,
  sortDeploys,
  whereIsCommit
} from "./cli-chunks/chunk-UFE3WVNL.js";
import {
  WitnessState,
  checkNoteName,
  checkpointRoot,
  findCosignature,
  formatAddCheckpoint,
  signatureLines,
  witnessVkey
} from "./cli-chunks/chunk-NARCR5DQ.js";
import {
  checkpointSigner,
  consistencyProof,
  generateSigningKeyPem,
  inclusionProof,
  leafHash,
  loadSigningKey,
  loadTrustedKey,
  parseCheckpoint,
  rootFromReader,
  verifyConsistency,
  verifyInclusion
} from "./cli-chunks/chunk-QEJERFSB.js";
import {
  COMMIT_PATTERN
} from "./cli-chunks/chunk-GCCZYBLX.js";
import {
  inert,
  inertJson,
  table
} from "./cli-chunks/chunk-FKKGOU4V.js";
import {
  ShiplogError,
  __commonJS,
  __require,
  __toESM,
  errorMessage,
  isShiplogError
} from "./cli-chunks/chunk-KB55KBSJ.js";

// node_modules/commander/lib/error.js
var require_error = __commonJS({
  "node_modules/commander/lib/error.js"(exports) {
    var CommanderError2 = class extends Error {
      /**
       * Constructs the CommanderError class
       * @param {number} exitCode suggested exit code which could be used with process.exit
       * @param {string} code an id string representing the error
       * @param {string} message human-readable description of the error
       */
      constructor(exitCode, code, message) {
        super(message);
        Error.captureStackTrace(this, this.constructor);
        this.name = this.constructor.name;
        this.code = code;
        this.exitCode = exitCode;
        this.nestedError = void 0;
      }
    };
    var InvalidArgumentError2 = class extends CommanderError2 {
      /**
       * Constructs the InvalidArgumentError class
       * @param {string} [message] explanation of why argument is invalid
       */
      constructor(message) {
        super(1, "commander.invalidArgument", message);
        Error.captureStackTrace(this, this.constructor);
        this.name = this.constructor.name;
      }
    };
    exports.CommanderError = CommanderError2;
    exports.InvalidArgumentError = InvalidArgumentError2;
  }
});

// node_modules/commander/lib/argument.js
var require_argument = __commonJS({
  "node_modules/commander/lib/argument.js"(exports) {
    var { InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var Argument2 = class {
      /**
       * Initialize a new command argument with the given name and description.
       * The default is that the argument is required, and you can explicitly
       * indicate this with <> around the name. Put [] around the name for an optional argument.
       *
       * @param {string} name
       * @param {string} [description]
       */
      constructor(name, description) {
        this.description = description || "";
        this.variadic = false;
        this.parseArg = void 0;
        this.defaultValue = void 0;
        this.defaultValueDescription = void 0;
        this.argChoices = void 0;
        switch (name[0]) {
          case "<":
            this.required = true;
            this._name = name.slice(1, -1);
            break;
          case "[":
            this.required = false;
            this._name = name.slice(1, -1);
            break;
          default:
            this.required = true;
            this._name = name;
            break;
        }
        if (this._name.endsWith("...")) {
          this.variadic = true;
          this._name = this._name.slice(0, -3);
        }
      }
      /**
       * Return argument name.
       *
       * @return {string}
       */
      name() {
        return this._name;
      }
      /**
       * @package
       */
      _collectValue(value, previous) {
        if (previous === this.defaultValue || !Array.isArray(previous)) {
          return [value];
        }
        previous.push(value);
        return previous;
      }
      /**
       * Set the default value, and optionally supply the description to be displayed in the help.
       *
       * @param {*} value
       * @param {string} [description]
       * @return {Argument}
       */
      default(value, description) {
        this.defaultValue = value;
        this.defaultValueDescription = description;
        return this;
      }
      /**
       * Set the custom handler for processing CLI command arguments into argument values.
       *
       * @param {Function} [fn]
       * @return {Argument}
       */
      argParser(fn) {
        this.parseArg = fn;
        return this;
      }
      /**
       * Only allow argument value to be one of choices.
       *
       * @param {string[]} values
       * @return {Argument}
       */
      choices(values) {
        this.argChoices = values.slice();
        this.parseArg = (arg, previous) => {
          if (!this.argChoices.includes(arg)) {
            throw new InvalidArgumentError2(
              `Allowed choices are ${this.argChoices.join(", ")}.`
            );
          }
          if (this.variadic) {
            return this._collectValue(arg, previous);
          }
          return arg;
        };
        return this;
      }
      /**
       * Make argument required.
       *
       * @returns {Argument}
       */
      argRequired() {
        this.required = true;
        return this;
      }
      /**
       * Make argument optional.
       *
       * @returns {Argument}
       */
      argOptional() {
        this.required = false;
        return this;
      }
    };
    function humanReadableArgName(arg) {
      const nameOutput = arg.name() + (arg.variadic === true ? "..." : "");
      return arg.required ? "<" + nameOutput + ">" : "[" + nameOutput + "]";
    }
    exports.Argument = Argument2;
    exports.humanReadableArgName = humanReadableArgName;
  }
});

// node_modules/commander/lib/help.js
var require_help = __commonJS({
  "node_modules/commander/lib/help.js"(exports) {
    var { humanReadableArgName } = require_argument();
    var Help2 = class {
      constructor() {
        this.helpWidth = void 0;
        this.minWidthToWrap = 40;
        this.sortSubcommands = false;
        this.sortOptions = false;
        this.showGlobalOptions = false;
      }
      /**
       * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
       * and just before calling `formatHelp()`.
       *
       * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
       *
       * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
       */
      prepareContext(contextOptions) {
        this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
      }
      /**
       * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
       *
       * @param {Command} cmd
       * @returns {Command[]}
       */
      visibleCommands(cmd) {
        const visibleCommands = cmd.commands.filter((cmd2) => !cmd2._hidden);
        const helpCommand = cmd._getHelpCommand();
        if (helpCommand && !helpCommand._hidden) {
          visibleCommands.push(helpCommand);
        }
        if (this.sortSubcommands) {
          visibleCommands.sort((a, b) => {
            return a.name().localeCompare(b.name());
          });
        }
        return visibleCommands;
      }
      /**
       * Compare options for sort.
       *
       * @param {Option} a
       * @param {Option} b
       * @returns {number}
       */
      compareOptions(a, b) {
        const getSortKey = (option2) => {
          return option2.short ? option2.short.replace(/^-/, "") : option2.long.replace(/^--/, "");
        };
        return getSortKey(a).localeCompare(getSortKey(b));
      }
      /**
       * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
       *
       * @param {Command} cmd
       * @returns {Option[]}
       */
      visibleOptions(cmd) {
        const visibleOptions = cmd.options.filter((option2) => !option2.hidden);
        const helpOption = cmd._getHelpOption();
        if (helpOption && !helpOption.hidden) {
          const removeShort = helpOption.short && cmd._findOption(helpOption.short);
          const removeLong = helpOption.long && cmd._findOption(helpOption.long);
          if (!removeShort && !removeLong) {
            visibleOptions.push(helpOption);
          } else if (helpOption.long && !removeLong) {
            visibleOptions.push(
              cmd.createOption(helpOption.long, helpOption.description)
            );
          } else if (helpOption.short && !removeShort) {
            visibleOptions.push(
              cmd.createOption(helpOption.short, helpOption.description)
            );
          }
        }
        if (this.sortOptions) {
          visibleOptions.sort(this.compareOptions);
        }
        return visibleOptions;
      }
      /**
       * Get an array of the visible global options. (Not including help.)
       *
       * @param {Command} cmd
       * @returns {Option[]}
       */
      visibleGlobalOptions(cmd) {
        if (!this.showGlobalOptions) return [];
        const globalOptions = [];
        for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
          const visibleOptions = ancestorCmd.options.filter(
            (option2) => !option2.hidden
          );
          globalOptions.push(...visibleOptions);
        }
        if (this.sortOptions) {
          globalOptions.sort(this.compareOptions);
        }
        return globalOptions;
      }
      /**
       * Get an array of the arguments if any have a description.
       *
       * @param {Command} cmd
       * @returns {Argument[]}
       */
      visibleArguments(cmd) {
        if (cmd._argsDescription) {
          cmd.registeredArguments.forEach((argument) => {
            argument.description = argument.description || cmd._argsDescription[argument.name()] || "";
          });
        }
        if (cmd.registeredArguments.find((argument) => argument.description)) {
          return cmd.registeredArguments;
        }
        return [];
      }
      /**
       * Get the command term to show in the list of subcommands.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      subcommandTerm(cmd) {
        const args = cmd.registeredArguments.map((arg) => humanReadableArgName(arg)).join(" ");
        return cmd._name + (cmd._aliases[0] ? "|" + cmd._aliases[0] : "") + (cmd.options.length ? " [options]" : "") + // simplistic check for non-help option
        (args ? " " + args : "");
      }
      /**
       * Get the option term to show in the list of options.
       *
       * @param {Option} option
       * @returns {string}
       */
      optionTerm(option2) {
        return option2.flags;
      }
      /**
       * Get the argument term to show in the list of arguments.
       *
       * @param {Argument} argument
       * @returns {string}
       */
      argumentTerm(argument) {
        return argument.name();
      }
      /**
       * Get the longest command term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestSubcommandTermLength(cmd, helper) {
        return helper.visibleCommands(cmd).reduce((max, command) => {
          return Math.max(
            max,
            this.displayWidth(
              helper.styleSubcommandTerm(helper.subcommandTerm(command))
            )
          );
        }, 0);
      }
      /**
       * Get the longest option term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestOptionTermLength(cmd, helper) {
        return helper.visibleOptions(cmd).reduce((max, option2) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option2)))
          );
        }, 0);
      }
      /**
       * Get the longest global option term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestGlobalOptionTermLength(cmd, helper) {
        return helper.visibleGlobalOptions(cmd).reduce((max, option2) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option2)))
          );
        }, 0);
      }
      /**
       * Get the longest argument term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestArgumentTermLength(cmd, helper) {
        return helper.visibleArguments(cmd).reduce((max, argument) => {
          return Math.max(
            max,
            this.displayWidth(
              helper.styleArgumentTerm(helper.argumentTerm(argument))
            )
          );
        }, 0);
      }
      /**
       * Get the command usage to be displayed at the top of the built-in help.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      commandUsage(cmd) {
        let cmdName = cmd._name;
        if (cmd._aliases[0]) {
          cmdName = cmdName + "|" + cmd._aliases[0];
        }
        let ancestorCmdNames = "";
        for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
          ancestorCmdNames = ancestorCmd.name() + " " + ancestorCmdNames;
        }
        return ancestorCmdNames + cmdName + " " + cmd.usage();
      }
      /**
       * Get the description for the command.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      commandDescription(cmd) {
        return cmd.description();
      }
      /**
       * Get the subcommand summary to show in the list of subcommands.
       * (Fallback to description for backwards compatibility.)
       *
       * @param {Command} cmd
       * @returns {string}
       */
      subcommandDescription(cmd) {
        return cmd.summary() || cmd.description();
      }
      /**
       * Get the option description to show in the list of options.
       *
       * @param {Option} option
       * @return {string}
       */
      optionDescription(option2) {
        const extraInfo = [];
        if (option2.argChoices) {
          extraInfo.push(
            // use stringify to match the display of the default value
            `choices: ${option2.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
          );
        }
        if (option2.defaultValue !== void 0) {
          const showDefault = option2.required || option2.optional || option2.isBoolean() && typeof option2.defaultValue === "boolean";
          if (showDefault) {
            extraInfo.push(
              `default: ${option2.defaultValueDescription || JSON.stringify(option2.defaultValue)}`
            );
          }
        }
        if (option2.presetArg !== void 0 && option2.optional) {
          extraInfo.push(`preset: ${JSON.stringify(option2.presetArg)}`);
        }
        if (option2.envVar !== void 0) {
          extraInfo.push(`env: ${option2.envVar}`);
        }
        if (extraInfo.length > 0) {
          const extraDescription = `(${extraInfo.join(", ")})`;
          if (option2.description) {
            return `${option2.description} ${extraDescription}`;
          }
          return extraDescription;
        }
        return option2.description;
      }
      /**
       * Get the argument description to show in the list of arguments.
       *
       * @param {Argument} argument
       * @return {string}
       */
      argumentDescription(argument) {
        const extraInfo = [];
        if (argument.argChoices) {
          extraInfo.push(
            // use stringify to match the display of the default value
            `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
          );
        }
        if (argument.defaultValue !== void 0) {
          extraInfo.push(
            `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`
          );
        }
        if (extraInfo.length > 0) {
          const extraDescription = `(${extraInfo.join(", ")})`;
          if (argument.description) {
            return `${argument.description} ${extraDescription}`;
          }
          return extraDescription;
        }
        return argument.description;
      }
      /**
       * Format a list of items, given a heading and an array of formatted items.
       *
       * @param {string} heading
       * @param {string[]} items
       * @param {Help} helper
       * @returns string[]
       */
      formatItemList(heading, items, helper) {
        if (items.length === 0) return [];
        return [helper.styleTitle(heading), ...items, ""];
      }
      /**
       * Group items by their help group heading.
       *
       * @param {Command[] | Option[]} unsortedItems
       * @param {Command[] | Option[]} visibleItems
       * @param {Function} getGroup
       * @returns {Map<string, Command[] | Option[]>}
       */
      groupItems(unsortedItems, visibleItems, getGroup) {
        const result = /* @__PURE__ */ new Map();
        unsortedItems.forEach((item) => {
          const group = getGroup(item);
          if (!result.has(group)) result.set(group, []);
        });
        visibleItems.forEach((item) => {
          const group = getGroup(item);
          if (!result.has(group)) {
            result.set(group, []);
          }
          result.get(group).push(item);
        });
        return result;
      }
      /**
       * Generate the built-in help text.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {string}
       */
      formatHelp(cmd, helper) {
        const termWidth = helper.padWidth(cmd, helper);
        const helpWidth = helper.helpWidth ?? 80;
        function callFormatItem(term, description) {
          return helper.formatItem(term, termWidth, description, helper);
        }
        let output = [
          `${helper.styleTitle("Usage:")} ${helper.styleUsage(helper.commandUsage(cmd))}`,
          ""
        ];
        const commandDescription = helper.commandDescription(cmd);
        if (commandDescription.length > 0) {
          output = output.concat([
            helper.boxWrap(
              helper.styleCommandDescription(commandDescription),
              helpWidth
            ),
            ""
          ]);
        }
        const argumentList = helper.visibleArguments(cmd).map((argument) => {
          return callFormatItem(
            helper.styleArgumentTerm(helper.argumentTerm(argument)),
            helper.styleArgumentDescription(helper.argumentDescription(argument))
          );
        });
        output = output.concat(
          this.formatItemList("Arguments:", argumentList, helper)
        );
        const optionGroups = this.groupItems(
          cmd.options,
          helper.visibleOptions(cmd),
          (option2) => option2.helpGroupHeading ?? "Options:"
        );
        optionGroups.forEach((options, group) => {
          const optionList = options.map((option2) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option2)),
              helper.styleOptionDescription(helper.optionDescription(option2))
            );
          });
          output = output.concat(this.formatItemList(group, optionList, helper));
        });
        if (helper.showGlobalOptions) {
          const globalOptionList = helper.visibleGlobalOptions(cmd).map((option2) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option2)),
              helper.styleOptionDescription(helper.optionDescription(option2))
            );
          });
          output = output.concat(
            this.formatItemList("Global Options:", globalOptionList, helper)
          );
        }
        const commandGroups = this.groupItems(
          cmd.commands,
          helper.visibleCommands(cmd),
          (sub) => sub.helpGroup() || "Commands:"
        );
        commandGroups.forEach((commands, group) => {
          const commandList = commands.map((sub) => {
            return callFormatItem(
              helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
              helper.styleSubcommandDescription(helper.subcommandDescription(sub))
            );
          });
          output = output.concat(this.formatItemList(group, commandList, helper));
        });
        return output.join("\n");
      }
      /**
       * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
       *
       * @param {string} str
       * @returns {number}
       */
      displayWidth(str) {
        return stripColor(str).length;
      }
      /**
       * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
       *
       * @param {string} str
       * @returns {string}
       */
      styleTitle(str) {
        return str;
      }
      styleUsage(str) {
        return str.split(" ").map((word) => {
          if (word === "[options]") return this.styleOptionText(word);
          if (word === "[command]") return this.styleSubcommandText(word);
          if (word[0] === "[" || word[0] === "<")
            return this.styleArgumentText(word);
          return this.styleCommandText(word);
        }).join(" ");
      }
      styleCommandDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleOptionDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleSubcommandDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleArgumentDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleDescriptionText(str) {
        return str;
      }
      styleOptionTerm(str) {
        return this.styleOptionText(str);
      }
      styleSubcommandTerm(str) {
        return str.split(" ").map((word) => {
          if (word === "[options]") return this.styleOptionText(word);
          if (word[0] === "[" || word[0] === "<")
            return this.styleArgumentText(word);
          return this.styleSubcommandText(word);
        }).join(" ");
      }
      styleArgumentTerm(str) {
        return this.styleArgumentText(str);
      }
      styleOptionText(str) {
        return str;
      }
      styleArgumentText(str) {
        return str;
      }
      styleSubcommandText(str) {
        return str;
      }
      styleCommandText(str) {
        return str;
      }
      /**
       * Calculate the pad width from the maximum term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      padWidth(cmd, helper) {
        return Math.max(
          helper.longestOptionTermLength(cmd, helper),
          helper.longestGlobalOptionTermLength(cmd, helper),
          helper.longestSubcommandTermLength(cmd, helper),
          helper.longestArgumentTermLength(cmd, helper)
        );
      }
      /**
       * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
       *
       * @param {string} str
       * @returns {boolean}
       */
      preformatted(str) {
        return /\n[^\S\r\n]/.test(str);
      }
      /**
       * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
       *
       * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
       *   TTT  DDD DDDD
       *        DD DDD
       *
       * @param {string} term
       * @param {number} termWidth
       * @param {string} description
       * @param {Help} helper
       * @returns {string}
       */
      formatItem(term, termWidth, description, helper) {
        const itemIndent = 2;
        const itemIndentStr = " ".repeat(itemIndent);
        if (!description) return itemIndentStr + term;
        const paddedTerm = term.padEnd(
          termWidth + term.length - helper.displayWidth(term)
        );
        const spacerWidth = 2;
        const helpWidth = this.helpWidth ?? 80;
        const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
        let formattedDescription;
        if (remainingWidth < this.minWidthToWrap || helper.preformatted(description)) {
          formattedDescription = description;
        } else {
          const wrappedDescription = helper.boxWrap(description, remainingWidth);
          formattedDescription = wrappedDescription.replace(
            /\n/g,
            "\n" + " ".repeat(termWidth + spacerWidth)
          );
        }
        return itemIndentStr + paddedTerm + " ".repeat(spacerWidth) + formattedDescription.replace(/\n/g, `
${itemIndentStr}`);
      }
      /**
       * Wrap a string at whitespace, preserving existing line breaks.
       * Wrapping is skipped if the width is less than `minWidthToWrap`.
       *
       * @param {string} str
       * @param {number} width
       * @returns {string}
       */
      boxWrap(str, width) {
        if (width < this.minWidthToWrap) return str;
        const rawLines = str.split(/\r\n|\n/);
        const chunkPattern = /[\s]*[^\s]+/g;
        const wrappedLines = [];
        rawLines.forEach((line) => {
          const chunks = line.match(chunkPattern);
          if (chunks === null) {
            wrappedLines.push("");
            return;
          }
          let sumChunks = [chunks.shift()];
          let sumWidth = this.displayWidth(sumChunks[0]);
          chunks.forEach((chunk) => {
            const visibleWidth = this.displayWidth(chunk);
            if (sumWidth + visibleWidth <= width) {
              sumChunks.push(chunk);
              sumWidth += visibleWidth;
              return;
            }
            wrappedLines.push(sumChunks.join(""));
            const nextChunk = chunk.trimStart();
            sumChunks = [nextChunk];
            sumWidth = this.displayWidth(nextChunk);
          });
          wrappedLines.push(sumChunks.join(""));
        });
        return wrappedLines.join("\n");
      }
    };
    function stripColor(str) {
      const sgrPattern = /\x1b\[\d*(;\d*)*m/g;
      return str.replace(sgrPattern, "");
    }
    exports.Help = Help2;
    exports.stripColor = stripColor;
  }
});

// node_modules/commander/lib/option.js
var require_option = __commonJS({
  "node_modules/commander/lib/option.js"(exports) {
    var { InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var Option2 = class {
      /**
       * Initialize a new `Option` with the given `flags` and `description`.
       *
       * @param {string} flags
       * @param {string} [description]
       */
      constructor(flags, description) {
        this.flags = flags;
        this.description = description || "";
        this.required = flags.includes("<");
        this.optional = flags.includes("[");
        this.variadic = /\w\.\.\.[>\]]$/.test(flags);
        this.mandatory = false;
        const optionFlags = splitOptionFlags(flags);
        this.short = optionFlags.shortFlag;
        this.long = optionFlags.longFlag;
        this.negate = false;
        if (this.long) {
          this.negate = this.long.startsWith("--no-");
        }
        this.defaultValue = void 0;
        this.defaultValueDescription = void 0;
        this.presetArg = void 0;
        this.envVar = void 0;
        this.parseArg = void 0;
        this.hidden = false;
        this.argChoices = void 0;
        this.conflictsWith = [];
        this.implied = void 0;
        this.helpGroupHeading = void 0;
      }
      /**
       * Set the default value, and optionally supply the description to be displayed in the help.
       *
       * @param {*} value
       * @param {string} [description]
       * @return {Option}
       */
      default(value, description) {
        this.defaultValue = value;
        this.defaultValueDescription = description;
        return this;
      }
      /**
       * Preset to use when option used without option-argument, especially optional but also boolean and negated.
       * The custom processing (parseArg) is called.
       *
       * @example
       * new Option('--color').default('GREYSCALE').preset('RGB');
       * new Option('--donate [amount]').preset('20').argParser(parseFloat);
       *
       * @param {*} arg
       * @return {Option}
       */
      preset(arg) {
        this.presetArg = arg;
        return this;
      }
      /**
       * Add option name(s) that conflict with this option.
       * An error will be displayed if conflicting options are found during parsing.
       *
       * @example
       * new Option('--rgb').conflicts('cmyk');
       * new Option('--js').conflicts(['ts', 'jsx']);
       *
       * @param {(string | string[])} names
       * @return {Option}
       */
      conflicts(names) {
        this.conflictsWith = this.conflictsWith.concat(names);
        return this;
      }
      /**
       * Specify implied option values for when this option is set and the implied options are not.
       *
       * The custom processing (parseArg) is not called on the implied values.
       *
       * @example
       * program
       *   .addOption(new Option('--log', 'write logging information to file'))
       *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
       *
       * @param {object} impliedOptionValues
       * @return {Option}
       */
      implies(impliedOptionValues) {
        let newImplied = impliedOptionValues;
        if (typeof impliedOptionValues === "string") {
          newImplied = { [impliedOptionValues]: true };
        }
        this.implied = Object.assign(this.implied || {}, newImplied);
        return this;
      }
      /**
       * Set environment variable to check for option value.
       *
       * An environment variable is only used if when processed the current option value is
       * undefined, or the source of the current value is 'default' or 'config' or 'env'.
       *
       * @param {string} name
       * @return {Option}
       */
      env(name) {
        this.envVar = name;
        return this;
      }
      /**
       * Set the custom handler for processing CLI option arguments into option values.
       *
       * @param {Function} [fn]
       * @return {Option}
       */
      argParser(fn) {
        this.parseArg = fn;
        return this;
      }
      /**
       * Whether the option is mandatory and must have a value after parsing.
       *
       * @param {boolean} [mandatory=true]
       * @return {Option}
       */
      makeOptionMandatory(mandatory = true) {
        this.mandatory = !!mandatory;
        return this;
      }
      /**
       * Hide option in help.
       *
       * @param {boolean} [hide=true]
       * @return {Option}
       */
      hideHelp(hide = true) {
        this.hidden = !!hide;
        return this;
      }
      /**
       * @package
       */
      _collectValue(value, previous) {
        if (previous === this.defaultValue || !Array.isArray(previous)) {
          return [value];
        }
        previous.push(value);
        return previous;
      }
      /**
       * Only allow option value to be one of choices.
       *
       * @param {string[]} values
       * @return {Option}
       */
      choices(values) {
        this.argChoices = values.slice();
        this.parseArg = (arg, previous) => {
          if (!this.argChoices.includes(arg)) {
            throw new InvalidArgumentError2(
              `Allowed choices are ${this.argChoices.join(", ")}.`
            );
          }
          if (this.variadic) {
            return this._collectValue(arg, previous);
          }
          return arg;
        };
        return this;
      }
      /**
       * Return option name.
       *
       * @return {string}
       */
      name() {
        if (this.long) {
          return this.long.replace(/^--/, "");
        }
        return this.short.replace(/^-/, "");
      }
      /**
       * Return option name, in a camelcase format that can be used
       * as an object attribute key.
       *
       * @return {string}
       */
      attributeName() {
        if (this.negate) {
          return camelcase(this.name().replace(/^no-/, ""));
        }
        return camelcase(this.name());
      }
      /**
       * Set the help group heading.
       *
       * @param {string} heading
       * @return {Option}
       */
      helpGroup(heading) {
        this.helpGroupHeading = heading;
        return this;
      }
      /**
       * Check if `arg` matches the short or long flag.
       *
       * @param {string} arg
       * @return {boolean}
       * @package
       */
      is(arg) {
        return this.short === arg || this.long === arg;
      }
      /**
       * Return whether a boolean option.
       *
       * Options are one of boolean, negated, required argument, or optional argument.
       *
       * @return {boolean}
       * @package
       */
      isBoolean() {
        return !this.required && !this.optional && !this.negate;
      }
    };
    var DualOptions = class {
      /**
       * @param {Option[]} options
       */
      constructor(options) {
        this.positiveOptions = /* @__PURE__ */ new Map();
        this.negativeOptions = /* @__PURE__ */ new Map();
        this.dualOptions = /* @__PURE__ */ new Set();
        options.forEach((option2) => {
          if (option2.negate) {
            this.negativeOptions.set(option2.attributeName(), option2);
          } else {
            this.positiveOptions.set(option2.attributeName(), option2);
          }
        });
        this.negativeOptions.forEach((value, key) => {
          if (this.positiveOptions.has(key)) {
            this.dualOptions.add(key);
          }
        });
      }
      /**
       * Did the value come from the option, and not from possible matching dual option?
       *
       * @param {*} value
       * @param {Option} option
       * @returns {boolean}
       */
      valueFromOption(value, option2) {
        const optionKey = option2.attributeName();
        if (!this.dualOptions.has(optionKey)) return true;
        const preset = this.negativeOptions.get(optionKey).presetArg;
        const negativeValue = preset !== void 0 ? preset : false;
        return option2.negate === (negativeValue === value);
      }
    };
    function camelcase(str) {
      return str.split("-").reduce((str2, word) => {
        return str2 + word[0].toUpperCase() + word.slice(1);
      });
    }
    function splitOptionFlags(flags) {
      let shortFlag;
      let longFlag;
      const shortFlagExp = /^-[^-]$/;
      const longFlagExp = /^--[^-]/;
      const flagParts = flags.split(/[ |,]+/).concat("guard");
      if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
      if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
      if (!shortFlag && shortFlagExp.test(flagParts[0]))
        shortFlag = flagParts.shift();
      if (!shortFlag && longFlagExp.test(flagParts[0])) {
        shortFlag = longFlag;
        longFlag = flagParts.shift();
      }
      if (flagParts[0].startsWith("-")) {
        const unsupportedFlag = flagParts[0];
        const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
        if (/^-[^-][^-]/.test(unsupportedFlag))
          throw new Error(
            `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`
          );
        if (shortFlagExp.test(unsupportedFlag))
          throw new Error(`${baseError}
- too many short flags`);
        if (longFlagExp.test(unsupportedFlag))
          throw new Error(`${baseError}
- too many long flags`);
        throw new Error(`${baseError}
- unrecognised flag format`);
      }
      if (shortFlag === void 0 && longFlag === void 0)
        throw new Error(
          `option creation failed due to no flags found in '${flags}'.`
        );
      return { shortFlag, longFlag };
    }
    exports.Option = Option2;
    exports.DualOptions = DualOptions;
  }
});

// node_modules/commander/lib/suggestSimilar.js
var require_suggestSimilar = __commonJS({
  "node_modules/commander/lib/suggestSimilar.js"(exports) {
    var maxDistance = 3;
    function editDistance(a, b) {
      if (Math.abs(a.length - b.length) > maxDistance)
        return Math.max(a.length, b.length);
      const d = [];
      for (let i = 0; i <= a.length; i++) {
        d[i] = [i];
      }
      for (let j = 0; j <= b.length; j++) {
        d[0][j] = j;
      }
      for (let j = 1; j <= b.length; j++) {
        for (let i = 1; i <= a.length; i++) {
          let cost = 1;
          if (a[i - 1] === b[j - 1]) {
            cost = 0;
          } else {
            cost = 1;
          }
          d[i][j] = Math.min(
            d[i - 1][j] + 1,
            // deletion
            d[i][j - 1] + 1,
            // insertion
            d[i - 1][j - 1] + cost
            // substitution
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
          }
        }
      }
      return d[a.length][b.length];
    }
    function suggestSimilar(word, candidates) {
      if (!candidates || candidates.length === 0) return "";
      candidates = Array.from(new Set(candidates));
      const searchingOptions = word.startsWith("--");
      if (searchingOptions) {
        word = word.slice(2);
        candidates = candidates.map((candidate) => candidate.slice(2));
      }
      let similar = [];
      let bestDistance = maxDistance;
      const minSimilarity = 0.4;
      candidates.forEach((candidate) => {
        if (candidate.length <= 1) return;
        const distance = editDistance(word, candidate);
        const length = Math.max(word.length, candidate.length);
        const similarity = (length - distance) / length;
        if (similarity > minSimilarity) {
          if (distance < bestDistance) {
            bestDistance = distance;
            similar = [candidate];
          } else if (distance === bestDistance) {
            similar.push(candidate);
          }
        }
      });
      similar.sort((a, b) => a.localeCompare(b));
      if (searchingOptions) {
        similar = similar.map((candidate) => `--${candidate}`);
      }
      if (similar.length > 1) {
        return `
(Did you mean one of ${similar.join(", ")}?)`;
      }
      if (similar.length === 1) {
        return `
(Did you mean ${similar[0]}?)`;
      }
      return "";
    }
    exports.suggestSimilar = suggestSimilar;
  }
});

// node_modules/commander/lib/command.js
var require_command = __commonJS({
  "node_modules/commander/lib/command.js"(exports) {
    var EventEmitter = __require("node:events").EventEmitter;
    var childProcess = __require("node:child_process");
    var path = __require("node:path");
    var fs = __require("node:fs");
    var process2 = __require("node:process");
    var { Argument: Argument2, humanReadableArgName } = require_argument();
    var { CommanderError: CommanderError2 } = require_error();
    var { Help: Help2, stripColor } = require_help();
    var { Option: Option2, DualOptions } = require_option();
    var { suggestSimilar } = require_suggestSimilar();
    var Command2 = class _Command extends EventEmitter {
      /**
       * Initialize a new `Command`.
       *
       * @param {string} [name]
       */
      constructor(name) {
        super();
        this.commands = [];
        this.options = [];
        this.parent = null;
        this._allowUnknownOption = false;
        this._allowExcessArguments = false;
        this.registeredArguments = [];
        this._args = this.registeredArguments;
        this.args = [];
        this.rawArgs = [];
        this.processedArgs = [];
        this._scriptPath = null;
        this._name = name || "";
        this._optionValues = {};
        this._optionValueSources = {};
        this._storeOptionsAsProperties = false;
        this._actionHandler = null;
        this._executableHandler = false;
        this._executableFile = null;
        this._executableDir = null;
        this._defaultCommandName = null;
        this._exitCallback = null;
        this._aliases = [];
        this._combineFlagAndOptionalValue = true;
        this._description = "";
        this._summary = "";
        this._argsDescription = void 0;
        this._enablePositionalOptions = false;
        this._passThroughOptions = false;
        this._lifeCycleHooks = {};
        this._showHelpAfterError = false;
        this._showSuggestionAfterError = true;
        this._savedState = null;
        this._outputConfiguration = {
          writeOut: (str) => process2.stdout.write(str),
          writeErr: (str) => process2.stderr.write(str),
          outputError: (str, write) => write(str),
          getOutHelpWidth: () => process2.stdout.isTTY ? process2.stdout.columns : void 0,
          getErrHelpWidth: () => process2.stderr.isTTY ? process2.stderr.columns : void 0,
          getOutHasColors: () => useColor() ?? (process2.stdout.isTTY && process2.stdout.hasColors?.()),
          getErrHasColors: () => useColor() ?? (process2.stderr.isTTY && process2.stderr.hasColors?.()),
          stripColor: (str) => stripColor(str)
        };
        this._hidden = false;
        this._helpOption = void 0;
        this._addImplicitHelpCommand = void 0;
        this._helpCommand = void 0;
        this._helpConfiguration = {};
        this._helpGroupHeading = void 0;
        this._defaultCommandGroup = void 0;
        this._defaultOptionGroup = void 0;
      }
      /**
       * Copy settings that are useful to have in common across root command and subcommands.
       *
       * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
       *
       * @param {Command} sourceCommand
       * @return {Command} `this` command for chaining
       */
      copyInheritedSettings(sourceCommand) {
        this._outputConfiguration = sourceCommand._outputConfiguration;
        this._helpOption = sourceCommand._helpOption;
        this._helpCommand = sourceCommand._helpCommand;
        this._helpConfiguration = sourceCommand._helpConfiguration;
        this._exitCallback = sourceCommand._exitCallback;
        this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
        this._combineFlagAndOptionalValue = sourceCommand._combineFlagAndOptionalValue;
        this._allowExcessArguments = sourceCommand._allowExcessArguments;
        this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
        this._showHelpAfterError = sourceCommand._showHelpAfterError;
        this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;
        return this;
      }
      /**
       * @returns {Command[]}
       * @private
       */
      _getCommandAndAncestors() {
        const result = [];
        for (let command = this; command; command = command.parent) {
          result.push(command);
        }
        return result;
      }
      /**
       * Define a command.
       *
       * There are two styles of command: pay attention to where to put the description.
       *
       * @example
       * // Command implemented using action handler (description is supplied separately to `.command`)
       * program
       *   .command('clone <source> [destination]')
       *   .description('clone a repository into a newly created directory')
       *   .action((source, destination) => {
       *     console.log('clone command called');
       *   });
       *
       * // Command implemented using separate executable file (description is second parameter to `.command`)
       * program
       *   .command('start <service>', 'start named service')
       *   .command('stop [service]', 'stop named service, or all if no name supplied');
       *
       * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
       * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
       * @param {object} [execOpts] - configuration options (for executable)
       * @return {Command} returns new command for action handler, or `this` for executable command
       */
      command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
        let desc = actionOptsOrExecDesc;
        let opts = execOpts;
        if (typeof desc === "object" && desc !== null) {
          opts = desc;
          desc = null;
        }
        opts = opts || {};
        const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);
        const cmd = this.createCommand(name);
        if (desc) {
          cmd.description(desc);
          cmd._executableHandler = true;
        }
        if (opts.isDefault) this._defaultCommandName = cmd._name;
        cmd._hidden = !!(opts.noHelp || opts.hidden);
        cmd._executableFile = opts.executableFile || null;
        if (args) cmd.arguments(args);
        this._registerCommand(cmd);
        cmd.parent = this;
        cmd.copyInheritedSettings(this);
        if (desc) return this;
        return cmd;
      }
      /**
       * Factory routine to create a new unattached command.
       *
       * See .command() for creating an attached subcommand, which uses this routine to
       * create the command. You can override createCommand to customise subcommands.
       *
       * @param {string} [name]
       * @return {Command} new command
       */
      createCommand(name) {
        return new _Command(name);
      }
      /**
       * You can customise the help with a subclass of Help by overriding createHelp,
       * or by overriding Help properties using configureHelp().
       *
       * @return {Help}
       */
      createHelp() {
        return Object.assign(new Help2(), this.configureHelp());
      }
      /**
       * You can customise the help by overriding Help properties using configureHelp(),
       * or with a subclass of Help by overriding createHelp().
       *
       * @param {object} [configuration] - configuration options
       * @return {(Command | object)} `this` command for chaining, or stored configuration
       */
      configureHelp(configuration) {
        if (configuration === void 0) return this._helpConfiguration;
        this._helpConfiguration = configuration;
        return this;
      }
      /**
       * The default output goes to stdout and stderr. You can customise this for special
       * applications. You can also customise the display of errors by overriding outputError.
       *
       * The configuration properties are all functions:
       *
       *     // change how output being written, defaults to stdout and stderr
       *     writeOut(str)
       *     writeErr(str)
       *     // change how output being written for errors, defaults to writeErr
       *     outputError(str, write) // used for displaying errors and not used for displaying help
       *     // specify width for wrapping help
       *     getOutHelpWidth()
       *     getErrHelpWidth()
       *     // color support, currently only used with Help
       *     getOutHasColors()
       *     getErrHasColors()
       *     stripColor() // used to remove ANSI escape codes if output does not have colors
       *
       * @param {object} [configuration] - configuration options
       * @return {(Command | object)} `this` command for chaining, or stored configuration
       */
      configureOutput(configuration) {
        if (configuration === void 0) return this._outputConfiguration;
        this._outputConfiguration = {
          ...this._outputConfiguration,
          ...configuration
        };
        return this;
      }
      /**
       * Display the help or a custom message after an error occurs.
       *
       * @param {(boolean|string)} [displayHelp]
       * @return {Command} `this` command for chaining
       */
      showHelpAfterError(displayHelp = true) {
        if (typeof displayHelp !== "string") displayHelp = !!displayHelp;
        this._showHelpAfterError = displayHelp;
        return this;
      }
      /**
       * Display suggestion of similar commands for unknown commands, or options for unknown options.
       *
       * @param {boolean} [displaySuggestion]
       * @return {Command} `this` command for chaining
       */
      showSuggestionAfterError(displaySuggestion = true) {
        this._showSuggestionAfterError = !!displaySuggestion;
        return this;
      }
      /**
       * Add a prepared subcommand.
       *
       * See .command() for creating an attached subcommand which inherits settings from its parent.
       *
       * @param {Command} cmd - new subcommand
       * @param {object} [opts] - configuration options
       * @return {Command} `this` command for chaining
       */
      addCommand(cmd, opts) {
        if (!cmd._name) {
          throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
        }
        opts = opts || {};
        if (opts.isDefault) this._defaultCommandName = cmd._name;
        if (opts.noHelp || opts.hidden) cmd._hidden = true;
        this._registerCommand(cmd);
        cmd.parent = this;
        cmd._checkForBrokenPassThrough();
        return this;
      }
      /**
       * Factory routine to create a new unattached argument.
       *
       * See .argument() for creating an attached argument, which uses this routine to
       * create the argument. You can override createArgument to return a custom argument.
       *
       * @param {string} name
       * @param {string} [description]
       * @return {Argument} new argument
       */
      createArgument(name, description) {
        return new Argument2(name, description);
      }
      /**
       * Define argument syntax for command.
       *
       * The default is that the argument is required, and you can explicitly
       * indicate this with <> around the name. Put [] around the name for an optional argument.
       *
       * @example
       * program.argument('<input-file>');
       * program.argument('[output-file]');
       *
       * @param {string} name
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom argument processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      argument(name, description, parseArg, defaultValue) {
        const argument = this.createArgument(name, description);
        if (typeof parseArg === "function") {
          argument.default(defaultValue).argParser(parseArg);
        } else {
          argument.default(parseArg);
        }
        this.addArgument(argument);
        return this;
      }
      /**
       * Define argument syntax for command, adding multiple at once (without descriptions).
       *
       * See also .argument().
       *
       * @example
       * program.arguments('<cmd> [env]');
       *
       * @param {string} names
       * @return {Command} `this` command for chaining
       */
      arguments(names) {
        names.trim().split(/ +/).forEach((detail) => {
          this.argument(detail);
        });
        return this;
      }
      /**
       * Define argument syntax for command, adding a prepared argument.
       *
       * @param {Argument} argument
       * @return {Command} `this` command for chaining
       */
      addArgument(argument) {
        const previousArgument = this.registeredArguments.slice(-1)[0];
        if (previousArgument?.variadic) {
          throw new Error(
            `only the last argument can be variadic '${previousArgument.name()}'`
          );
        }
        if (argument.required && argument.defaultValue !== void 0 && argument.parseArg === void 0) {
          throw new Error(
            `a default value for a required argument is never used: '${argument.name()}'`
          );
        }
        this.registeredArguments.push(argument);
        return this;
      }
      /**
       * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
       *
       * @example
       *    program.helpCommand('help [cmd]');
       *    program.helpCommand('help [cmd]', 'show help');
       *    program.helpCommand(false); // suppress default help command
       *    program.helpCommand(true); // add help command even if no subcommands
       *
       * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
       * @param {string} [description] - custom description
       * @return {Command} `this` command for chaining
       */
      helpCommand(enableOrNameAndArgs, description) {
        if (typeof enableOrNameAndArgs === "boolean") {
          this._addImplicitHelpCommand = enableOrNameAndArgs;
          if (enableOrNameAndArgs && this._defaultCommandGroup) {
            this._initCommandGroup(this._getHelpCommand());
          }
          return this;
        }
        const nameAndArgs = enableOrNameAndArgs ?? "help [command]";
        const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
        const helpDescription = description ?? "display help for command";
        const helpCommand = this.createCommand(helpName);
        helpCommand.helpOption(false);
        if (helpArgs) helpCommand.arguments(helpArgs);
        if (helpDescription) helpCommand.description(helpDescription);
        this._addImplicitHelpCommand = true;
        this._helpCommand = helpCommand;
        if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);
        return this;
      }
      /**
       * Add prepared custom help command.
       *
       * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
       * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
       * @return {Command} `this` command for chaining
       */
      addHelpCommand(helpCommand, deprecatedDescription) {
        if (typeof helpCommand !== "object") {
          this.helpCommand(helpCommand, deprecatedDescription);
          return this;
        }
        this._addImplicitHelpCommand = true;
        this._helpCommand = helpCommand;
        this._initCommandGroup(helpCommand);
        return this;
      }
      /**
       * Lazy create help command.
       *
       * @return {(Command|null)}
       * @package
       */
      _getHelpCommand() {
        const hasImplicitHelpCommand = this._addImplicitHelpCommand ?? (this.commands.length && !this._actionHandler && !this._findCommand("help"));
        if (hasImplicitHelpCommand) {
          if (this._helpCommand === void 0) {
            this.helpCommand(void 0, void 0);
          }
          return this._helpCommand;
        }
        return null;
      }
      /**
       * Add hook for life cycle event.
       *
       * @param {string} event
       * @param {Function} listener
       * @return {Command} `this` command for chaining
       */
      hook(event, listener) {
        const allowedValues = ["preSubcommand", "preAction", "postAction"];
        if (!allowedValues.includes(event)) {
          throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
        }
        if (this._lifeCycleHooks[event]) {
          this._lifeCycleHooks[event].push(listener);
        } else {
          this._lifeCycleHooks[event] = [listener];
        }
        return this;
      }
      /**
       * Register callback to use as replacement for calling process.exit.
       *
       * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
       * @return {Command} `this` command for chaining
       */
      exitOverride(fn) {
        if (fn) {
          this._exitCallback = fn;
        } else {
          this._exitCallback = (err) => {
            if (err.code !== "commander.executeSubCommandAsync") {
              throw err;
            } else {
            }
          };
        }
        return this;
      }
      /**
       * Call process.exit, and _exitCallback if defined.
       *
       * @param {number} exitCode exit code for using with process.exit
       * @param {string} code an id string representing the error
       * @param {string} message human-readable description of the error
       * @return never
       * @private
       */
      _exit(exitCode, code, message) {
        if (this._exitCallback) {
          this._exitCallback(new CommanderError2(exitCode, code, message));
        }
        process2.exit(exitCode);
      }
      /**
       * Register callback `fn` for the command.
       *
       * @example
       * program
       *   .command('serve')
       *   .description('start service')
       *   .action(function() {
       *      // do work here
       *   });
       *
       * @param {Function} fn
       * @return {Command} `this` command for chaining
       */
      action(fn) {
        const listener = (args) => {
          const expectedArgsCount = this.registeredArguments.length;
          const actionArgs = args.slice(0, expectedArgsCount);
          if (this._storeOptionsAsProperties) {
            actionArgs[expectedArgsCount] = this;
          } else {
            actionArgs[expectedArgsCount] = this.opts();
          }
          actionArgs.push(this);
          return fn.apply(this, actionArgs);
        };
        this._actionHandler = listener;
        return this;
      }
      /**
       * Factory routine to create a new unattached option.
       *
       * See .option() for creating an attached option, which uses this routine to
       * create the option. You can override createOption to return a custom option.
       *
       * @param {string} flags
       * @param {string} [description]
       * @return {Option} new option
       */
      createOption(flags, description) {
        return new Option2(flags, description);
      }
      /**
       * Wrap parseArgs to catch 'commander.invalidArgument'.
       *
       * @param {(Option | Argument)} target
       * @param {string} value
       * @param {*} previous
       * @param {string} invalidArgumentMessage
       * @private
       */
      _callParseArg(target, value, previous, invalidArgumentMessage) {
        try {
          return target.parseArg(value, previous);
        } catch (err) {
          if (err.code === "commander.invalidArgument") {
            const message = `${invalidArgumentMessage} ${err.message}`;
            this.error(message, { exitCode: err.exitCode, code: err.code });
          }
          throw err;
        }
      }
      /**
       * Check for option flag conflicts.
       * Register option if no conflicts found, or throw on conflict.
       *
       * @param {Option} option
       * @private
       */
      _registerOption(option2) {
        const matchingOption = option2.short && this._findOption(option2.short) || option2.long && this._findOption(option2.long);
        if (matchingOption) {
          const matchingFlag = option2.long && this._findOption(option2.long) ? option2.long : option2.short;
          throw new Error(`Cannot add option '${option2.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
        }
        this._initOptionGroup(option2);
        this.options.push(option2);
      }
      /**
       * Check for command name and alias conflicts with existing commands.
       * Register command if no conflicts found, or throw on conflict.
       *
       * @param {Command} command
       * @private
       */
      _registerCommand(command) {
        const knownBy = (cmd) => {
          return [cmd.name()].concat(cmd.aliases());
        };
        const alreadyUsed = knownBy(command).find(
          (name) => this._findCommand(name)
        );
        if (alreadyUsed) {
          const existingCmd = knownBy(this._findCommand(alreadyUsed)).join("|");
          const newCmd = knownBy(command).join("|");
          throw new Error(
            `cannot add command '${newCmd}' as already have command '${existingCmd}'`
          );
        }
        this._initCommandGroup(command);
        this.commands.push(command);
      }
      /**
       * Add an option.
       *
       * @param {Option} option
       * @return {Command} `this` command for chaining
       */
      addOption(option2) {
        this._registerOption(option2);
        const oname = option2.name();
        const name = option2.attributeName();
        if (option2.negate) {
          const positiveLongFlag = option2.long.replace(/^--no-/, "--");
          if (!this._findOption(positiveLongFlag)) {
            this.setOptionValueWithSource(
              name,
              option2.defaultValue === void 0 ? true : option2.defaultValue,
              "default"
            );
          }
        } else if (option2.defaultValue !== void 0) {
          this.setOptionValueWithSource(name, option2.defaultValue, "default");
        }
        const handleOptionValue = (val, invalidValueMessage, valueSource) => {
          if (val == null && option2.presetArg !== void 0) {
            val = option2.presetArg;
          }
          const oldValue = this.getOptionValue(name);
          if (val !== null && option2.parseArg) {
            val = this._callParseArg(option2, val, oldValue, invalidValueMessage);
          } else if (val !== null && option2.variadic) {
            val = option2._collectValue(val, oldValue);
          }
          if (val == null) {
            if (option2.negate) {
              val = false;
            } else if (option2.isBoolean() || option2.optional) {
              val = true;
            } else {
              val = "";
            }
          }
          this.setOptionValueWithSource(name, val, valueSource);
        };
        this.on("option:" + oname, (val) => {
          const invalidValueMessage = `error: option '${option2.flags}' argument '${val}' is invalid.`;
          handleOptionValue(val, invalidValueMessage, "cli");
        });
        if (option2.envVar) {
          this.on("optionEnv:" + oname, (val) => {
            const invalidValueMessage = `error: option '${option2.flags}' value '${val}' from env '${option2.envVar}' is invalid.`;
            handleOptionValue(val, invalidValueMessage, "env");
          });
        }
        return this;
      }
      /**
       * Internal implementation shared by .option() and .requiredOption()
       *
       * @return {Command} `this` command for chaining
       * @private
       */
      _optionEx(config, flags, description, fn, defaultValue) {
        if (typeof flags === "object" && flags instanceof Option2) {
          throw new Error(
            "To add an Option object use addOption() instead of option() or requiredOption()"
          );
        }
        const option2 = this.createOption(flags, description);
        option2.makeOptionMandatory(!!config.mandatory);
        if (typeof fn === "function") {
          option2.default(defaultValue).argParser(fn);
        } else if (fn instanceof RegExp) {
          const regex = fn;
          fn = (val, def) => {
            const m = regex.exec(val);
            return m ? m[0] : def;
          };
          option2.default(defaultValue).argParser(fn);
        } else {
          option2.default(fn);
        }
        return this.addOption(option2);
      }
      /**
       * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
       *
       * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
       * option-argument is indicated by `<>` and an optional option-argument by `[]`.
       *
       * See the README for more details, and see also addOption() and requiredOption().
       *
       * @example
       * program
       *     .option('-p, --pepper', 'add pepper')
       *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
       *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
       *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
       *
       * @param {string} flags
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom option processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      option(flags, description, parseArg, defaultValue) {
        return this._optionEx({}, flags, description, parseArg, defaultValue);
      }
      /**
       * Add a required option which must have a value after parsing. This usually means
       * the option must be specified on the command line. (Otherwise the same as .option().)
       *
       * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
       *
       * @param {string} flags
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom option processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      requiredOption(flags, description, parseArg, defaultValue) {
        return this._optionEx(
          { mandatory: true },
          flags,
          description,
          parseArg,
          defaultValue
        );
      }
      /**
       * Alter parsing of short flags with optional values.
       *
       * @example
       * // for `.option('-f,--flag [value]'):
       * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
       * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
       *
       * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
       * @return {Command} `this` command for chaining
       */
      combineFlagAndOptionalValue(combine2 = true) {
        this._combineFlagAndOptionalValue = !!combine2;
        return this;
      }
      /**
       * Allow unknown options on the command line.
       *
       * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
       * @return {Command} `this` command for chaining
       */
      allowUnknownOption(allowUnknown = true) {
        this._allowUnknownOption = !!allowUnknown;
        return this;
      }
      /**
       * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
       *
       * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
       * @return {Command} `this` command for chaining
       */
      allowExcessArguments(allowExcess = true) {
        this._allowExcessArguments = !!allowExcess;
        return this;
      }
      /**
       * Enable positional options. Positional means global options are specified before subcommands which lets
       * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
       * The default behaviour is non-positional and global options may appear anywhere on the command line.
       *
       * @param {boolean} [positional]
       * @return {Command} `this` command for chaining
       */
      enablePositionalOptions(positional = true) {
        this._enablePositionalOptions = !!positional;
        return this;
      }
      /**
       * Pass through options that come after command-arguments rather than treat them as command-options,
       * so actual command-options come before command-arguments. Turning this on for a subcommand requires
       * positional options to have been enabled on the program (parent commands).
       * The default behaviour is non-positional and options may appear before or after command-arguments.
       *
       * @param {boolean} [passThrough] for unknown options.
       * @return {Command} `this` command for chaining
       */
      passThroughOptions(passThrough = true) {
        this._passThroughOptions = !!passThrough;
        this._checkForBrokenPassThrough();
        return this;
      }
      /**
       * @private
       */
      _checkForBrokenPassThrough() {
        if (this.parent && this._passThroughOptions && !this.parent._enablePositionalOptions) {
          throw new Error(
            `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`
          );
        }
      }
      /**
       * Whether to store option values as properties on command object,
       * or store separately (specify false). In both cases the option values can be accessed using .opts().
       *
       * @param {boolean} [storeAsProperties=true]
       * @return {Command} `this` command for chaining
       */
      storeOptionsAsProperties(storeAsProperties = true) {
        if (this.options.length) {
          throw new Error("call .storeOptionsAsProperties() before adding options");
        }
        if (Object.keys(this._optionValues).length) {
          throw new Error(
            "call .storeOptionsAsProperties() before setting option values"
          );
        }
        this._storeOptionsAsProperties = !!storeAsProperties;
        return this;
      }
      /**
       * Retrieve option value.
       *
       * @param {string} key
       * @return {object} value
       */
      getOptionValue(key) {
        if (this._storeOptionsAsProperties) {
          return this[key];
        }
        return this._optionValues[key];
      }
      /**
       * Store option value.
       *
       * @param {string} key
       * @param {object} value
       * @return {Command} `this` command for chaining
       */
      setOptionValue(key, value) {
        return this.setOptionValueWithSource(key, value, void 0);
      }
      /**
       * Store option value and where the value came from.
       *
       * @param {string} key
       * @param {object} value
       * @param {string} source - expected values are default/config/env/cli/implied
       * @return {Command} `this` command for chaining
       */
      setOptionValueWithSource(key, value, source) {
        if (this._storeOptionsAsProperties) {
          this[key] = value;
        } else {
          this._optionValues[key] = value;
        }
        this._optionValueSources[key] = source;
        return this;
      }
      /**
       * Get source of option value.
       * Expected values are default | config | env | cli | implied
       *
       * @param {string} key
       * @return {string}
       */
      getOptionValueSource(key) {
        return this._optionValueSources[key];
      }
      /**
       * Get source of option value. See also .optsWithGlobals().
       * Expected values are default | config | env | cli | implied
       *
       * @param {string} key
       * @return {string}
       */
      getOptionValueSourceWithGlobals(key) {
        let source;
        this._getCommandAndAncestors().forEach((cmd) => {
          if (cmd.getOptionValueSource(key) !== void 0) {
            source = cmd.getOptionValueSource(key);
          }
        });
        return source;
      }
      /**
       * Get user arguments from implied or explicit arguments.
       * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
       *
       * @private
       */
      _prepareUserArgs(argv, parseOptions) {
        if (argv !== void 0 && !Array.isArray(argv)) {
          throw new Error("first parameter to parse must be array or undefined");
        }
        parseOptions = parseOptions || {};
        if (argv === void 0 && parseOptions.from === void 0) {
          if (process2.versions?.electron) {
            parseOptions.from = "electron";
          }
          const execArgv = process2.execArgv ?? [];
          if (execArgv.includes("-e") || execArgv.includes("--eval") || execArgv.includes("-p") || execArgv.includes("--print")) {
            parseOptions.from = "eval";
          }
        }
        if (argv === void 0) {
          argv = process2.argv;
        }
        this.rawArgs = argv.slice();
        let userArgs;
        switch (parseOptions.from) {
          case void 0:
          case "node":
            this._scriptPath = argv[1];
            userArgs = argv.slice(2);
            break;
          case "electron":
            if (process2.defaultApp) {
              this._scriptPath = argv[1];
              userArgs = argv.slice(2);
            } else {
              userArgs = argv.slice(1);
            }
            break;
          case "user":
            userArgs = argv.slice(0);
            break;
          case "eval":
            userArgs = argv.slice(1);
            break;
          default:
            throw new Error(
              `unexpected parse option { from: '${parseOptions.from}' }`
            );
        }
        if (!this._name && this._scriptPath)
          this.nameFromFilename(this._scriptPath);
        this._name = this._name || "program";
        return userArgs;
      }
      /**
       * Parse `argv`, setting options and invoking commands when defined.
       *
       * Use parseAsync instead of parse if any of your action handlers are async.
       *
       * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
       *
       * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
       * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
       * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
       * - `'user'`: just user arguments
       *
       * @example
       * program.parse(); // parse process.argv and auto-detect electron and special node flags
       * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
       * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
       *
       * @param {string[]} [argv] - optional, defaults to process.argv
       * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
       * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
       * @return {Command} `this` command for chaining
       */
      parse(argv, parseOptions) {
        this._prepareForParse();
        const userArgs = this._prepareUserArgs(argv, parseOptions);
        this._parseCommand([], userArgs);
        return this;
      }
      /**
       * Parse `argv`, setting options and invoking commands when defined.
       *
       * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
       *
       * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
       * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
       * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
       * - `'user'`: just user arguments
       *
       * @example
       * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
       * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
       * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
       *
       * @param {string[]} [argv]
       * @param {object} [parseOptions]
       * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
       * @return {Promise}
       */
      async parseAsync(argv, parseOptions) {
        this._prepareForParse();
        const userArgs = this._prepareUserArgs(argv, parseOptions);
        await this._parseCommand([], userArgs);
        return this;
      }
      _prepareForParse() {
        if (this._savedState === null) {
          this.saveStateBeforeParse();
        } else {
          this.restoreStateBeforeParse();
        }
      }
      /**
       * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
       * Not usually called directly, but available for subclasses to save their custom state.
       *
       * This is called in a lazy way. Only commands used in parsing chain will have state saved.
       */
      saveStateBeforeParse() {
        this._savedState = {
          // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
          _name: this._name,
          // option values before parse have default values (including false for negated options)
          // shallow clones
          _optionValues: { ...this._optionValues },
          _optionValueSources: { ...this._optionValueSources }
        };
      }
      /**
       * Restore state before parse for calls after the first.
       * Not usually called directly, but available for subclasses to save their custom state.
       *
       * This is called in a lazy way. Only commands used in parsing chain will have state restored.
       */
      restoreStateBeforeParse() {
        if (this._storeOptionsAsProperties)
          throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);
        this._name = this._savedState._name;
        this._scriptPath = null;
        this.rawArgs = [];
        this._optionValues = { ...this._savedState._optionValues };
        this._optionValueSources = { ...this._savedState._optionValueSources };
        this.args = [];
        this.processedArgs = [];
      }
      /**
       * Throw if expected executable is missing. Add lots of help for author.
       *
       * @param {string} executableFile
       * @param {string} executableDir
       * @param {string} subcommandName
       */
      _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
        if (fs.existsSync(executableFile)) return;
        const executableDirMessage = executableDir ? `searched for local subcommand relative to directory '${executableDir}'` : "no directory for search for local subcommand, use .executableDir() to supply a custom directory";
        const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
        throw new Error(executableMissing);
      }
      /**
       * Execute a sub-command executable.
       *
       * @private
       */
      _executeSubCommand(subcommand, args) {
        args = args.slice();
        let launchWithNode = false;
        const sourceExt = [".js", ".ts", ".tsx", ".mjs", ".cjs"];
        function findFile(baseDir, baseName) {
          const localBin = path.resolve(baseDir, baseName);
          if (fs.existsSync(localBin)) return localBin;
          if (sourceExt.includes(path.extname(baseName))) return void 0;
          const foundExt = sourceExt.find(
            (ext) => fs.existsSync(`${localBin}${ext}`)
          );
          if (foundExt) return `${localBin}${foundExt}`;
          return void 0;
        }
        this._checkForMissingMandatoryOptions();
        this._checkForConflictingOptions();
        let executableFile = subcommand._executableFile || `${this._name}-${subcommand._name}`;
        let executableDir = this._executableDir || "";
        if (this._scriptPath) {
          let resolvedScriptPath;
          try {
            resolvedScriptPath = fs.realpathSync(this._scriptPath);
          } catch {
            resolvedScriptPath = this._scriptPath;
          }
          executableDir = path.resolve(
            path.dirname(resolvedScriptPath),
            executableDir
          );
        }
        if (executableDir) {
          let localFile = findFile(executableDir, executableFile);
          if (!localFile && !subcommand._executableFile && this._scriptPath) {
            const legacyName = path.basename(
              this._scriptPath,
              path.extname(this._scriptPath)
            );
            if (legacyName !== this._name) {
              localFile = findFile(
                executableDir,
                `${legacyName}-${subcommand._name}`
              );
            }
          }
          executableFile = localFile || executableFile;
        }
        launchWithNode = sourceExt.includes(path.extname(executableFile));
        let proc;
        if (process2.platform !== "win32") {
          if (launchWithNode) {
            args.unshift(executableFile);
            args = incrementNodeInspectorPort(process2.execArgv).concat(args);
            proc = childProcess.spawn(process2.argv[0], args, { stdio: "inherit" });
          } else {
            proc = childProcess.spawn(executableFile, args, { stdio: "inherit" });
          }
        } else {
          this._checkForMissingExecutable(
            executableFile,
            executableDir,
            subcommand._name
          );
          args.unshift(executableFile);
          args = incrementNodeInspectorPort(process2.execArgv).concat(args);
          proc = childProcess.spawn(process2.execPath, args, { stdio: "inherit" });
        }
        if (!proc.killed) {
          const signals = ["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGINT", "SIGHUP"];
          signals.forEach((signal) => {
            process2.on(signal, () => {
              if (proc.killed === false && proc.exitCode === null) {
                proc.kill(signal);
              }
            });
          });
        }
        const exitCallback = this._exitCallback;
        proc.on("close", (code) => {
          code = code ?? 1;
          if (!exitCallback) {
            process2.exit(code);
          } else {
            exitCallback(
              new CommanderError2(
                code,
                "commander.executeSubCommandAsync",
                "(close)"
              )
            );
          }
        });
        proc.on("error", (err) => {
          if (err.code === "ENOENT") {
            this._checkForMissingExecutable(
              executableFile,
              executableDir,
              subcommand._name
            );
          } else if (err.code === "EACCES") {
            throw new Error(`'${executableFile}' not executable`);
          }
          if (!exitCallback) {
            process2.exit(1);
          } else {
            const wrappedError = new CommanderError2(
              1,
              "commander.executeSubCommandAsync",
              "(error)"
            );
            wrappedError.nestedError = err;
            exitCallback(wrappedError);
          }
        });
        this.runningCommand = proc;
      }
      /**
       * @private
       */
      _dispatchSubcommand(commandName, operands, unknown) {
        const subCommand = this._findCommand(commandName);
        if (!subCommand) this.help({ error: true });
        subCommand._prepareForParse();
        let promiseChain;
        promiseChain = this._chainOrCallSubCommandHook(
          promiseChain,
          subCommand,
          "preSubcommand"
        );
        promiseChain = this._chainOrCall(promiseChain, () => {
          if (subCommand._executableHandler) {
            this._executeSubCommand(subCommand, operands.concat(unknown));
          } else {
            return subCommand._parseCommand(operands, unknown);
          }
        });
        return promiseChain;
      }
      /**
       * Invoke help directly if possible, or dispatch if necessary.
       * e.g. help foo
       *
       * @private
       */
      _dispatchHelpCommand(subcommandName) {
        if (!subcommandName) {
          this.help();
        }
        const subCommand = this._findCommand(subcommandName);
        if (subCommand && !subCommand._executableHandler) {
          subCommand.help();
        }
        return this._dispatchSubcommand(
          subcommandName,
          [],
          [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? "--help"]
        );
      }
      /**
       * Check this.args against expected this.registeredArguments.
       *
       * @private
       */
      _checkNumberOfArguments() {
        this.registeredArguments.forEach((arg, i) => {
          if (arg.required && this.args[i] == null) {
            this.missingArgument(arg.name());
          }
        });
        if (this.registeredArguments.length > 0 && this.registeredArguments[this.registeredArguments.length - 1].variadic) {
          return;
        }
        if (this.args.length > this.registeredArguments.length) {
          this._excessArguments(this.args);
        }
      }
      /**
       * Process this.args using this.registeredArguments and save as this.processedArgs!
       *
       * @private
       */
      _processArguments() {
        const myParseArg = (argument, value, previous) => {
          let parsedValue = value;
          if (value !== null && argument.parseArg) {
            const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
            parsedValue = this._callParseArg(
              argument,
              value,
              previous,
              invalidValueMessage
            );
          }
          return parsedValue;
        };
        this._checkNumberOfArguments();
        const processedArgs = [];
        this.registeredArguments.forEach((declaredArg, index) => {
          let value = declaredArg.defaultValue;
          if (declaredArg.variadic) {
            if (index < this.args.length) {
              value = this.args.slice(index);
              if (declaredArg.parseArg) {
                value = value.reduce((processed, v) => {
                  return myParseArg(declaredArg, v, processed);
                }, declaredArg.defaultValue);
              }
            } else if (value === void 0) {
              value = [];
            }
          } else if (index < this.args.length) {
            value = this.args[index];
            if (declaredArg.parseArg) {
              value = myParseArg(declaredArg, value, declaredArg.defaultValue);
            }
          }
          processedArgs[index] = value;
        });
        this.processedArgs = processedArgs;
      }
      /**
       * Once we have a promise we chain, but call synchronously until then.
       *
       * @param {(Promise|undefined)} promise
       * @param {Function} fn
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCall(promise, fn) {
        if (promise?.then && typeof promise.then === "function") {
          return promise.then(() => fn());
        }
        return fn();
      }
      /**
       *
       * @param {(Promise|undefined)} promise
       * @param {string} event
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCallHooks(promise, event) {
        let result = promise;
        const hooks = [];
        this._getCommandAndAncestors().reverse().filter((cmd) => cmd._lifeCycleHooks[event] !== void 0).forEach((hookedCommand) => {
          hookedCommand._lifeCycleHooks[event].forEach((callback) => {
            hooks.push({ hookedCommand, callback });
          });
        });
        if (event === "postAction") {
          hooks.reverse();
        }
        hooks.forEach((hookDetail) => {
          result = this._chainOrCall(result, () => {
            return hookDetail.callback(hookDetail.hookedCommand, this);
          });
        });
        return result;
      }
      /**
       *
       * @param {(Promise|undefined)} promise
       * @param {Command} subCommand
       * @param {string} event
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCallSubCommandHook(promise, subCommand, event) {
        let result = promise;
        if (this._lifeCycleHooks[event] !== void 0) {
          this._lifeCycleHooks[event].forEach((hook) => {
            result = this._chainOrCall(result, () => {
              return hook(this, subCommand);
            });
          });
        }
        return result;
      }
      /**
       * Process arguments in context of this command.
       * Returns action result, in case it is a promise.
       *
       * @private
       */
      _parseCommand(operands, unknown) {
        const parsed = this.parseOptions(unknown);
        this._parseOptionsEnv();
        this._parseOptionsImplied();
        operands = operands.concat(parsed.operands);
        unknown = parsed.unknown;
        this.args = operands.concat(unknown);
        if (operands && this._findCommand(operands[0])) {
          return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
        }
        if (this._getHelpCommand() && operands[0] === this._getHelpCommand().name()) {
          return this._dispatchHelpCommand(operands[1]);
        }
        if (this._defaultCommandName) {
          this._outputHelpIfRequested(unknown);
          return this._dispatchSubcommand(
            this._defaultCommandName,
            operands,
            unknown
          );
        }
        if (this.commands.length && this.args.length === 0 && !this._actionHandler && !this._defaultCommandName) {
          this.help({ error: true });
        }
        this._outputHelpIfRequested(parsed.unknown);
        this._checkForMissingMandatoryOptions();
        this._checkForConflictingOptions();
        const checkForUnknownOptions = () => {
          if (parsed.unknown.length > 0) {
            this.unknownOption(parsed.unknown[0]);
          }
        };
        const commandEvent = `command:${this.name()}`;
        if (this._actionHandler) {
          checkForUnknownOptions();
          this._processArguments();
          let promiseChain;
          promiseChain = this._chainOrCallHooks(promiseChain, "preAction");
          promiseChain = this._chainOrCall(
            promiseChain,
            () => this._actionHandler(this.processedArgs)
          );
          if (this.parent) {
            promiseChain = this._chainOrCall(promiseChain, () => {
              this.parent.emit(commandEvent, operands, unknown);
            });
          }
          promiseChain = this._chainOrCallHooks(promiseChain, "postAction");
          return promiseChain;
        }
        if (this.parent?.listenerCount(commandEvent)) {
          checkForUnknownOptions();
          this._processArguments();
          this.parent.emit(commandEvent, operands, unknown);
        } else if (operands.length) {
          if (this._findCommand("*")) {
            return this._dispatchSubcommand("*", operands, unknown);
          }
          if (this.listenerCount("command:*")) {
            this.emit("command:*", operands, unknown);
          } else if (this.commands.length) {
            this.unknownCommand();
          } else {
            checkForUnknownOptions();
            this._processArguments();
          }
        } else if (this.commands.length) {
          checkForUnknownOptions();
          this.help({ error: true });
        } else {
          checkForUnknownOptions();
          this._processArguments();
        }
      }
      /**
       * Find matching command.
       *
       * @private
       * @return {Command | undefined}
       */
      _findCommand(name) {
        if (!name) return void 0;
        return this.commands.find(
          (cmd) => cmd._name === name || cmd._aliases.includes(name)
        );
      }
      /**
       * Return an option matching `arg` if any.
       *
       * @param {string} arg
       * @return {Option}
       * @package
       */
      _findOption(arg) {
        return this.options.find((option2) => option2.is(arg));
      }
      /**
       * Display an error message if a mandatory option does not have a value.
       * Called after checking for help flags in leaf subcommand.
       *
       * @private
       */
      _checkForMissingMandatoryOptions() {
        this._getCommandAndAncestors().forEach((cmd) => {
          cmd.options.forEach((anOption) => {
            if (anOption.mandatory && cmd.getOptionValue(anOption.attributeName()) === void 0) {
              cmd.missingMandatoryOptionValue(anOption);
            }
          });
        });
      }
      /**
       * Display an error message if conflicting options are used together in this.
       *
       * @private
       */
      _checkForConflictingLocalOptions() {
        const definedNonDefaultOptions = this.options.filter((option2) => {
          const optionKey = option2.attributeName();
          if (this.getOptionValue(optionKey) === void 0) {
            return false;
          }
          return this.getOptionValueSource(optionKey) !== "default";
        });
        const optionsWithConflicting = definedNonDefaultOptions.filter(
          (option2) => option2.conflictsWith.length > 0
        );
        optionsWithConflicting.forEach((option2) => {
          const conflictingAndDefined = definedNonDefaultOptions.find(
            (defined) => option2.conflictsWith.includes(defined.attributeName())
          );
          if (conflictingAndDefined) {
            this._conflictingOption(option2, conflictingAndDefined);
          }
        });
      }
      /**
       * Display an error message if conflicting options are used together.
       * Called after checking for help flags in leaf subcommand.
       *
       * @private
       */
      _checkForConflictingOptions() {
        this._getCommandAndAncestors().forEach((cmd) => {
          cmd._checkForConflictingLocalOptions();
        });
      }
      /**
       * Parse options from `argv` removing known options,
       * and return argv split into operands and unknown arguments.
       *
       * Side effects: modifies command by storing options. Does not reset state if called again.
       *
       * Examples:
       *
       *     argv => operands, unknown
       *     --known kkk op => [op], []
       *     op --known kkk => [op], []
       *     sub --unknown uuu op => [sub], [--unknown uuu op]
       *     sub -- --unknown uuu op => [sub --unknown uuu op], []
       *
       * @param {string[]} args
       * @return {{operands: string[], unknown: string[]}}
       */
      parseOptions(args) {
        const operands = [];
        const unknown = [];
        let dest = operands;
        function maybeOption(arg) {
          return arg.length > 1 && arg[0] === "-";
        }
        const negativeNumberArg = (arg) => {
          if (!/^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg)) return false;
          return !this._getCommandAndAncestors().some(
            (cmd) => cmd.options.map((opt) => opt.short).some((short) => /^-\d$/.test(short))
          );
        };
        let activeVariadicOption = null;
        let activeGroup = null;
        let i = 0;
        while (i < args.length || activeGroup) {
          const arg = activeGroup ?? args[i++];
          activeGroup = null;
          if (arg === "--") {
            if (dest === unknown) dest.push(arg);
            dest.push(...args.slice(i));
            break;
          }
          if (activeVariadicOption && (!maybeOption(arg) || negativeNumberArg(arg))) {
            this.emit(`option:${activeVariadicOption.name()}`, arg);
            continue;
          }
          activeVariadicOption = null;
          if (maybeOption(arg)) {
            const option2 = this._findOption(arg);
            if (option2) {
              if (option2.required) {
                const value = args[i++];
                if (value === void 0) this.optionMissingArgument(option2);
                this.emit(`option:${option2.name()}`, value);
              } else if (option2.optional) {
                let value = null;
                if (i < args.length && (!maybeOption(args[i]) || negativeNumberArg(args[i]))) {
                  value = args[i++];
                }
                this.emit(`option:${option2.name()}`, value);
              } else {
                this.emit(`option:${option2.name()}`);
              }
              activeVariadicOption = option2.variadic ? option2 : null;
              continue;
            }
          }
          if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
            const option2 = this._findOption(`-${arg[1]}`);
            if (option2) {
              if (option2.required || option2.optional && this._combineFlagAndOptionalValue) {
                this.emit(`option:${option2.name()}`, arg.slice(2));
              } else {
                this.emit(`option:${option2.name()}`);
                activeGroup = `-${arg.slice(2)}`;
              }
              continue;
            }
          }
          if (/^--[^=]+=/.test(arg)) {
            const index = arg.indexOf("=");
            const option2 = this._findOption(arg.slice(0, index));
            if (option2 && (option2.required || option2.optional)) {
              this.emit(`option:${option2.name()}`, arg.slice(index + 1));
              continue;
            }
          }
          if (dest === operands && maybeOption(arg) && !(this.commands.length === 0 && negativeNumberArg(arg))) {
            dest = unknown;
          }
          if ((this._enablePositionalOptions || this._passThroughOptions) && operands.length === 0 && unknown.length === 0) {
            if (this._findCommand(arg)) {
              operands.push(arg);
              unknown.push(...args.slice(i));
              break;
            } else if (this._getHelpCommand() && arg === this._getHelpCommand().name()) {
              operands.push(arg, ...args.slice(i));
              break;
            } else if (this._defaultCommandName) {
              unknown.push(arg, ...args.slice(i));
              break;
            }
          }
          if (this._passThroughOptions) {
            dest.push(arg, ...args.slice(i));
            break;
          }
          dest.push(arg);
        }
        return { operands, unknown };
      }
      /**
       * Return an object containing local option values as key-value pairs.
       *
       * @return {object}
       */
      opts() {
        if (this._storeOptionsAsProperties) {
          const result = {};
          const len = this.options.length;
          for (let i = 0; i < len; i++) {
            const key = this.options[i].attributeName();
            result[key] = key === this._versionOptionName ? this._version : this[key];
          }
          return result;
        }
        return this._optionValues;
      }
      /**
       * Return an object containing merged local and global option values as key-value pairs.
       *
       * @return {object}
       */
      optsWithGlobals() {
        return this._getCommandAndAncestors().reduce(
          (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
          {}
        );
      }
      /**
       * Display error message and exit (or call exitOverride).
       *
       * @param {string} message
       * @param {object} [errorOptions]
       * @param {string} [errorOptions.code] - an id string representing the error
       * @param {number} [errorOptions.exitCode] - used with process.exit
       */
      error(message, errorOptions) {
        this._outputConfiguration.outputError(
          `${message}
`,
          this._outputConfiguration.writeErr
        );
        if (typeof this._showHelpAfterError === "string") {
          this._outputConfiguration.writeErr(`${this._showHelpAfterError}
`);
        } else if (this._showHelpAfterError) {
          this._outputConfiguration.writeErr("\n");
          this.outputHelp({ error: true });
        }
        const config = errorOptions || {};
        const exitCode = config.exitCode || 1;
        const code = config.code || "commander.error";
        this._exit(exitCode, code, message);
      }
      /**
       * Apply any option related environment variables, if option does
       * not have a value from cli or client code.
       *
       * @private
       */
      _parseOptionsEnv() {
        this.options.forEach((option2) => {
          if (option2.envVar && option2.envVar in process2.env) {
            const optionKey = option2.attributeName();
            if (this.getOptionValue(optionKey) === void 0 || ["default", "config", "env"].includes(
              this.getOptionValueSource(optionKey)
            )) {
              if (option2.required || option2.optional) {
                this.emit(`optionEnv:${option2.name()}`, process2.env[option2.envVar]);
              } else {
                this.emit(`optionEnv:${option2.name()}`);
              }
            }
          }
        });
      }
      /**
       * Apply any implied option values, if option is undefined or default value.
       *
       * @private
       */
      _parseOptionsImplied() {
        const dualHelper = new DualOptions(this.options);
        const hasCustomOptionValue = (optionKey) => {
          return this.getOptionValue(optionKey) !== void 0 && !["default", "implied"].includes(this.getOptionValueSource(optionKey));
        };
        this.options.filter(
          (option2) => option2.implied !== void 0 && hasCustomOptionValue(option2.attributeName()) && dualHelper.valueFromOption(
            this.getOptionValue(option2.attributeName()),
            option2
          )
        ).forEach((option2) => {
          Object.keys(option2.implied).filter((impliedKey) => !hasCustomOptionValue(impliedKey)).forEach((impliedKey) => {
            this.setOptionValueWithSource(
              impliedKey,
              option2.implied[impliedKey],
              "implied"
            );
          });
        });
      }
      /**
       * Argument `name` is missing.
       *
       * @param {string} name
       * @private
       */
      missingArgument(name) {
        const message = `error: missing required argument '${name}'`;
        this.error(message, { code: "commander.missingArgument" });
      }
      /**
       * `Option` is missing an argument.
       *
       * @param {Option} option
       * @private
       */
      optionMissingArgument(option2) {
        const message = `error: option '${option2.flags}' argument missing`;
        this.error(message, { code: "commander.optionMissingArgument" });
      }
      /**
       * `Option` does not have a value, and is a mandatory option.
       *
       * @param {Option} option
       * @private
       */
      missingMandatoryOptionValue(option2) {
        const message = `error: required option '${option2.flags}' not specified`;
        this.error(message, { code: "commander.missingMandatoryOptionValue" });
      }
      /**
       * `Option` conflicts with another option.
       *
       * @param {Option} option
       * @param {Option} conflictingOption
       * @private
       */
      _conflictingOption(option2, conflictingOption) {
        const findBestOptionFromValue = (option3) => {
          const optionKey = option3.attributeName();
          const optionValue = this.getOptionValue(optionKey);
          const negativeOption = this.options.find(
            (target) => target.negate && optionKey === target.attributeName()
          );
          const positiveOption = this.options.find(
            (target) => !target.negate && optionKey === target.attributeName()
          );
          if (negativeOption && (negativeOption.presetArg === void 0 && optionValue === false || negativeOption.presetArg !== void 0 && optionValue === negativeOption.presetArg)) {
            return negativeOption;
          }
          return positiveOption || option3;
        };
        const getErrorMessage = (option3) => {
          const bestOption = findBestOptionFromValue(option3);
          const optionKey = bestOption.attributeName();
          const source = this.getOptionValueSource(optionKey);
          if (source === "env") {
            return `environment variable '${bestOption.envVar}'`;
          }
          return `option '${bestOption.flags}'`;
        };
        const message = `error: ${getErrorMessage(option2)} cannot be used with ${getErrorMessage(conflictingOption)}`;
        this.error(message, { code: "commander.conflictingOption" });
      }
      /**
       * Unknown option `flag`.
       *
       * @param {string} flag
       * @private
       */
      unknownOption(flag) {
        if (this._allowUnknownOption) return;
        let suggestion = "";
        if (flag.startsWith("--") && this._showSuggestionAfterError) {
          let candidateFlags = [];
          let command = this;
          do {
            const moreFlags = command.createHelp().visibleOptions(command).filter((option2) => option2.long).map((option2) => option2.long);
            candidateFlags = candidateFlags.concat(moreFlags);
            command = command.parent;
          } while (command && !command._enablePositionalOptions);
          suggestion = suggestSimilar(flag, candidateFlags);
        }
        const message = `error: unknown option '${flag}'${suggestion}`;
        this.error(message, { code: "commander.unknownOption" });
      }
      /**
       * Excess arguments, more than expected.
       *
       * @param {string[]} receivedArgs
       * @private
       */
      _excessArguments(receivedArgs) {
        if (this._allowExcessArguments) return;
        const expected = this.registeredArguments.length;
        const s = expected === 1 ? "" : "s";
        const forSubcommand = this.parent ? ` for '${this.name()}'` : "";
        const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${receivedArgs.length}.`;
        this.error(message, { code: "commander.excessArguments" });
      }
      /**
       * Unknown command.
       *
       * @private
       */
      unknownCommand() {
        const unknownName = this.args[0];
        let suggestion = "";
        if (this._showSuggestionAfterError) {
          const candidateNames = [];
          this.createHelp().visibleCommands(this).forEach((command) => {
            candidateNames.push(command.name());
            if (command.alias()) candidateNames.push(command.alias());
          });
          suggestion = suggestSimilar(unknownName, candidateNames);
        }
        const message = `error: unknown command '${unknownName}'${suggestion}`;
        this.error(message, { code: "commander.unknownCommand" });
      }
      /**
       * Get or set the program version.
       *
       * This method auto-registers the "-V, --version" option which will print the version number.
       *
       * You can optionally supply the flags and description to override the defaults.
       *
       * @param {string} [str]
       * @param {string} [flags]
       * @param {string} [description]
       * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
       */
      version(str, flags, description) {
        if (str === void 0) return this._version;
        this._version = str;
        flags = flags || "-V, --version";
        description = description || "output the version number";
        const versionOption = this.createOption(flags, description);
        this._versionOptionName = versionOption.attributeName();
        this._registerOption(versionOption);
        this.on("option:" + versionOption.name(), () => {
          this._outputConfiguration.writeOut(`${str}
`);
          this._exit(0, "commander.version", str);
        });
        return this;
      }
      /**
       * Set the description.
       *
       * @param {string} [str]
       * @param {object} [argsDescription]
       * @return {(string|Command)}
       */
      description(str, argsDescription) {
        if (str === void 0 && argsDescription === void 0)
          return this._description;
        this._description = str;
        if (argsDescription) {
          this._argsDescription = argsDescription;
        }
        return this;
      }
      /**
       * Set the summary. Used when listed as subcommand of parent.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      summary(str) {
        if (str === void 0) return this._summary;
        this._summary = str;
        return this;
      }
      /**
       * Set an alias for the command.
       *
       * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
       *
       * @param {string} [alias]
       * @return {(string|Command)}
       */
      alias(alias) {
        if (alias === void 0) return this._aliases[0];
        let command = this;
        if (this.commands.length !== 0 && this.commands[this.commands.length - 1]._executableHandler) {
          command = this.commands[this.commands.length - 1];
        }
        if (alias === command._name)
          throw new Error("Command alias can't be the same as its name");
        const matchingCommand = this.parent?._findCommand(alias);
        if (matchingCommand) {
          const existingCmd = [matchingCommand.name()].concat(matchingCommand.aliases()).join("|");
          throw new Error(
            `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`
          );
        }
        command._aliases.push(alias);
        return this;
      }
      /**
       * Set aliases for the command.
       *
       * Only the first alias is shown in the auto-generated help.
       *
       * @param {string[]} [aliases]
       * @return {(string[]|Command)}
       */
      aliases(aliases) {
        if (aliases === void 0) return this._aliases;
        aliases.forEach((alias) => this.alias(alias));
        return this;
      }
      /**
       * Set / get the command usage `str`.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      usage(str) {
        if (str === void 0) {
          if (this._usage) return this._usage;
          const args = this.registeredArguments.map((arg) => {
            return humanReadableArgName(arg);
          });
          return [].concat(
            this.options.length || this._helpOption !== null ? "[options]" : [],
            this.commands.length ? "[command]" : [],
            this.registeredArguments.length ? args : []
          ).join(" ");
        }
        this._usage = str;
        return this;
      }
      /**
       * Get or set the name of the command.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      name(str) {
        if (str === void 0) return this._name;
        this._name = str;
        return this;
      }
      /**
       * Set/get the help group heading for this subcommand in parent command's help.
       *
       * @param {string} [heading]
       * @return {Command | string}
       */
      helpGroup(heading) {
        if (heading === void 0) return this._helpGroupHeading ?? "";
        this._helpGroupHeading = heading;
        return this;
      }
      /**
       * Set/get the default help group heading for subcommands added to this command.
       * (This does not override a group set directly on the subcommand using .helpGroup().)
       *
       * @example
       * program.commandsGroup('Development Commands:);
       * program.command('watch')...
       * program.command('lint')...
       * ...
       *
       * @param {string} [heading]
       * @returns {Command | string}
       */
      commandsGroup(heading) {
        if (heading === void 0) return this._defaultCommandGroup ?? "";
        this._defaultCommandGroup = heading;
        return this;
      }
      /**
       * Set/get the default help group heading for options added to this command.
       * (This does not override a group set directly on the option using .helpGroup().)
       *
       * @example
       * program
       *   .optionsGroup('Development Options:')
       *   .option('-d, --debug', 'output extra debugging')
       *   .option('-p, --profile', 'output profiling information')
       *
       * @param {string} [heading]
       * @returns {Command | string}
       */
      optionsGroup(heading) {
        if (heading === void 0) return this._defaultOptionGroup ?? "";
        this._defaultOptionGroup = heading;
        return this;
      }
      /**
       * @param {Option} option
       * @private
       */
      _initOptionGroup(option2) {
        if (this._defaultOptionGroup && !option2.helpGroupHeading)
          option2.helpGroup(this._defaultOptionGroup);
      }
      /**
       * @param {Command} cmd
       * @private
       */
      _initCommandGroup(cmd) {
        if (this._defaultCommandGroup && !cmd.helpGroup())
          cmd.helpGroup(this._defaultCommandGroup);
      }
      /**
       * Set the name of the command from script filename, such as process.argv[1],
       * or require.main.filename, or __filename.
       *
       * (Used internally and public although not documented in README.)
       *
       * @example
       * program.nameFromFilename(require.main.filename);
       *
       * @param {string} filename
       * @return {Command}
       */
      nameFromFilename(filename) {
        this._name = path.basename(filename, path.extname(filename));
        return this;
      }
      /**
       * Get or set the directory for searching for executable subcommands of this command.
       *
       * @example
       * program.executableDir(__dirname);
       * // or
       * program.executableDir('subcommands');
       *
       * @param {string} [path]
       * @return {(string|null|Command)}
       */
      executableDir(path2) {
        if (path2 === void 0) return this._executableDir;
        this._executableDir = path2;
        return this;
      }
      /**
       * Return program help documentation.
       *
       * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
       * @return {string}
       */
      helpInformation(contextOptions) {
        const helper = this.createHelp();
        const context = this._getOutputContext(contextOptions);
        helper.prepareContext({
          error: context.error,
          helpWidth: context.helpWidth,
          outputHasColors: context.hasColors
        });
        const text = helper.formatHelp(this, helper);
        if (context.hasColors) return text;
        return this._outputConfiguration.stripColor(text);
      }
      /**
       * @typedef HelpContext
       * @type {object}
       * @property {boolean} error
       * @property {number} helpWidth
       * @property {boolean} hasColors
       * @property {function} write - includes stripColor if needed
       *
       * @returns {HelpContext}
       * @private
       */
      _getOutputContext(contextOptions) {
        contextOptions = contextOptions || {};
        const error = !!contextOptions.error;
        let baseWrite;
        let hasColors;
        let helpWidth;
        if (error) {
          baseWrite = (str) => this._outputConfiguration.writeErr(str);
          hasColors = this._outputConfiguration.getErrHasColors();
          helpWidth = this._outputConfiguration.getErrHelpWidth();
        } else {
          baseWrite = (str) => this._outputConfiguration.writeOut(str);
          hasColors = this._outputConfiguration.getOutHasColors();
          helpWidth = this._outputConfiguration.getOutHelpWidth();
        }
        const write = (str) => {
          if (!hasColors) str = this._outputConfiguration.stripColor(str);
          return baseWrite(str);
        };
        return { error, write, hasColors, helpWidth };
      }
      /**
       * Output help information for this command.
       *
       * Outputs built-in help, and custom text added using `.addHelpText()`.
       *
       * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
       */
      outputHelp(contextOptions) {
        let deprecatedCallback;
        if (typeof contextOptions === "function") {
          deprecatedCallback = contextOptions;
          contextOptions = void 0;
        }
        const outputContext = this._getOutputContext(contextOptions);
        const eventContext = {
          error: outputContext.error,
          write: outputContext.write,
          command: this
        };
        this._getCommandAndAncestors().reverse().forEach((command) => command.emit("beforeAllHelp", eventContext));
        this.emit("beforeHelp", eventContext);
        let helpInformation = this.helpInformation({ error: outputContext.error });
        if (deprecatedCallback) {
          helpInformation = deprecatedCallback(helpInformation);
          if (typeof helpInformation !== "string" && !Buffer.isBuffer(helpInformation)) {
            throw new Error("outputHelp callback must return a string or a Buffer");
          }
        }
        outputContext.write(helpInformation);
        if (this._getHelpOption()?.long) {
          this.emit(this._getHelpOption().long);
        }
        this.emit("afterHelp", eventContext);
        this._getCommandAndAncestors().forEach(
          (command) => command.emit("afterAllHelp", eventContext)
        );
      }
      /**
       * You can pass in flags and a description to customise the built-in help option.
       * Pass in false to disable the built-in help option.
       *
       * @example
       * program.helpOption('-?, --help' 'show help'); // customise
       * program.helpOption(false); // disable
       *
       * @param {(string | boolean)} flags
       * @param {string} [description]
       * @return {Command} `this` command for chaining
       */
      helpOption(flags, description) {
        if (typeof flags === "boolean") {
          if (flags) {
            if (this._helpOption === null) this._helpOption = void 0;
            if (this._defaultOptionGroup) {
              this._initOptionGroup(this._getHelpOption());
            }
          } else {
            this._helpOption = null;
          }
          return this;
        }
        this._helpOption = this.createOption(
          flags ?? "-h, --help",
          description ?? "display help for command"
        );
        if (flags || description) this._initOptionGroup(this._helpOption);
        return this;
      }
      /**
       * Lazy create help option.
       * Returns null if has been disabled with .helpOption(false).
       *
       * @returns {(Option | null)} the help option
       * @package
       */
      _getHelpOption() {
        if (this._helpOption === void 0) {
          this.helpOption(void 0, void 0);
        }
        return this._helpOption;
      }
      /**
       * Supply your own option to use for the built-in help option.
       * This is an alternative to using helpOption() to customise the flags and description etc.
       *
       * @param {Option} option
       * @return {Command} `this` command for chaining
       */
      addHelpOption(option2) {
        this._helpOption = option2;
        this._initOptionGroup(option2);
        return this;
      }
      /**
       * Output help information and exit.
       *
       * Outputs built-in help, and custom text added using `.addHelpText()`.
       *
       * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
       */
      help(contextOptions) {
        this.outputHelp(contextOptions);
        let exitCode = Number(process2.exitCode ?? 0);
        if (exitCode === 0 && contextOptions && typeof contextOptions !== "function" && contextOptions.error) {
          exitCode = 1;
        }
        this._exit(exitCode, "commander.help", "(outputHelp)");
      }
      /**
       * // Do a little typing to coordinate emit and listener for the help text events.
       * @typedef HelpTextEventContext
       * @type {object}
       * @property {boolean} error
       * @property {Command} command
       * @property {function} write
       */
      /**
       * Add additional text to be displayed with the built-in help.
       *
       * Position is 'before' or 'after' to affect just this command,
       * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
       *
       * @param {string} position - before or after built-in help
       * @param {(string | Function)} text - string to add, or a function returning a string
       * @return {Command} `this` command for chaining
       */
      addHelpText(position, text) {
        const allowedValues = ["beforeAll", "before", "after", "afterAll"];
        if (!allowedValues.includes(position)) {
          throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
        }
        const helpEvent = `${position}Help`;
        this.on(helpEvent, (context) => {
          let helpStr;
          if (typeof text === "function") {
            helpStr = text({ error: context.error, command: context.command });
          } else {
            helpStr = text;
          }
          if (helpStr) {
            context.write(`${helpStr}
`);
          }
        });
        return this;
      }
      /**
       * Output help information if help flags specified
       *
       * @param {Array} args - array of options to search for help flags
       * @private
       */
      _outputHelpIfRequested(args) {
        const helpOption = this._getHelpOption();
        const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
        if (helpRequested) {
          this.outputHelp();
          this._exit(0, "commander.helpDisplayed", "(outputHelp)");
        }
      }
    };
    function incrementNodeInspectorPort(args) {
      return args.map((arg) => {
        if (!arg.startsWith("--inspect")) {
          return arg;
        }
        let debugOption;
        let debugHost = "127.0.0.1";
        let debugPort = "9229";
        let match;
        if ((match = arg.match(/^(--inspect(-brk)?)$/)) !== null) {
          debugOption = match[1];
        } else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+)$/)) !== null) {
          debugOption = match[1];
          if (/^\d+$/.test(match[3])) {
            debugPort = match[3];
          } else {
            debugHost = match[3];
          }
        } else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+):(\d+)$/)) !== null) {
          debugOption = match[1];
          debugHost = match[3];
          debugPort = match[4];
        }
        if (debugOption && debugPort !== "0") {
          return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
        }
        return arg;
      });
    }
    function useColor() {
      if (process2.env.NO_COLOR || process2.env.FORCE_COLOR === "0" || process2.env.FORCE_COLOR === "false")
        return false;
      if (process2.env.FORCE_COLOR || process2.env.CLICOLOR_FORCE !== void 0)
        return true;
      return void 0;
    }
    exports.Command = Command2;
    exports.useColor = useColor;
  }
});

// node_modules/commander/index.js
var require_commander = __commonJS({
  "node_modules/commander/index.js"(exports) {
    var { Argument: Argument2 } = require_argument();
    var { Command: Command2 } = require_command();
    var { CommanderError: CommanderError2, InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var { Help: Help2 } = require_help();
    var { Option: Option2 } = require_option();
    exports.program = new Command2();
    exports.createCommand = (name) => new Command2(name);
    exports.createOption = (flags, description) => new Option2(flags, description);
    exports.createArgument = (name, description) => new Argument2(name, description);
    exports.Command = Command2;
    exports.Option = Option2;
    exports.Argument = Argument2;
    exports.Help = Help2;
    exports.CommanderError = CommanderError2;
    exports.InvalidArgumentError = InvalidArgumentError2;
    exports.InvalidOptionArgumentError = InvalidArgumentError2;
  }
});

// src/cli/main.ts
import { realpathSync } from "node:fs";
import { fileURLToPath as fileURLToPath2 } from "node:url";

// node_modules/commander/esm.mjs
var import_index = __toESM(require_commander(), 1);
var {
  program,
  createCommand,
  createArgument,
  createOption,
  CommanderError,
  InvalidArgumentError,
  InvalidOptionArgumentError,
  // deprecated old name
  Command,
  Argument,
  Option,
  Help
} = import_index.default;

// src/cli/commands/app-admin.ts
import { createPrivateKey } from "node:crypto";

// src/cli/common.ts
import { readFileSync } from "node:fs";

// src/ledger/shards.ts
var DEFAULT_BRANCH = "shiplog";
var SHARD = /^shiplog\/[\w.-]+\/[\w.-]+$/;
function shardBranch(repository) {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new ShiplogError("USAGE", `repository "${repository}" must be OWNER/NAME`);
  return `${DEFAULT_BRANCH}/${repository.toLowerCase()}`;
}
function isLedgerBranchName(branch) {
  return branch === DEFAULT_BRANCH || SHARD.test(branch);
}
function remoteIsRepository(remote, repository) {
  const path = remote.trim().replace(/[/\\]+$/, "").replace(/\.git$/i, "").replace(/^[^/\\]+@[^/:]+:/, "/");
  return path.toLowerCase().replace(/\\/g, "/").endsWith(`/${repository.toLowerCase()}`);
}
function writeBranch(opts) {
  if (opts.branch) return checkBranchName(opts.branch);
  return opts.central ? shardBranch(opts.repository) : DEFAULT_BRANCH;
}
async function readBranch(location, opts = {}) {
  const branches = await listLedgerBranches(location);
  if (branches.includes(DEFAULT_BRANCH)) return DEFAULT_BRANCH;
  const shards = branches.filter((b) => SHARD.test(b));
  if (opts.repository) {
    const mine = shardBranch(opts.repository);
    if (shards.includes(mine)) return mine;
  }
  if (shards.length === 1) return shards[0];
  if (shards.length === 0) {
    throw new ShiplogError(
      "BRANCH_NOT_FOUND",
      `"${location.remote}" has no ledger branch (no "${DEFAULT_BRANCH}" and no "${DEFAULT_BRANCH}/<owner>/<repo>" shard): nothing has been recorded yet, or the remote is wrong`
    );
  }
  throw new ShiplogError(
    "USAGE",
    `"${location.remote}" holds ${shards.length} ledger shards (${shards.slice(0, 5).join(", ")}${shards.length > 5 ? ", \u2026" : ""}): pass --ledger-branch NAME${opts.repository ? "" : " or --repo OWNER/NAME"}, or --all-shards`
  );
}
async function allShards(location) {
  const branches = (await listLedgerBranches(location)).filter(isLedgerBranchName);
  if (branches.length === 0) {
    throw new ShiplogError(
      "BRANCH_NOT_FOUND",
      `"${location.remote}" has no ledger branch: nothing has been recorded yet`
    );
  }
  return branches;
}

// src/cli/common.ts
function addLocationOptions(cmd) {
  return cmd.requiredOption("--remote <url-or-path>", "git URL or path of the repository holding the ledger").option(
    "--ledger-branch <name>",
    "ledger branch (default: shiplog, or the only shiplog/<owner>/<repo> shard of a central repository)"
  ).option(
    "--cache-dir <dir>",
    "where fetched ledgers are cached (default: $SHIPLOG_CACHE_DIR, else $RUNNER_TEMP/shiplog-cache, else $XDG_CACHE_HOME/shiplog or ~/.cache/shiplog)"
  );
}
function addShardsOption(cmd, what = "read every shiplog and shiplog/* branch of the remote, each checked as its own chain") {
  return cmd.option("--all-shards", what);
}
function located(flags, branch) {
  return {
    remote: flags.remote,
    branch: checkBranchName(branch),
    cacheDir: flags.cacheDir,
    token: process.env.SHIPLOG_GIT_TOKEN || void 0
  };
}
function recordLocation(flags, repository) {
  const central = !remoteIsRepository(flags.remote, repository);
  return located(flags, writeBranch({ branch: flags.ledgerBranch, central, repository }));
}
async function checkedRecordLocation(flags, repository, note) {
  const location = recordLocation(flags, repository);
  if (cachedTip(await openRepo(location, "tip"))) return location;
  const branches = await listLedgerBranches(location);
  const wanted = location.branch;
  if (branches.includes(wanted) || branches.length === 0) return location;
  const shards = branches.filter((b) => b !== DEFAULT_BRANCH);
  if (!flags.ledgerBranch && branches.includes(DEFAULT_BRANCH) && shards.length === 0) {
    note(
      `shiplog: "${flags.remote}" holds a "${DEFAULT_BRANCH}" ledger and no shards: appending to "${DEFAULT_BRANCH}" (pass --ledger-branch to choose)`
    );
    return { ...location, branch: DEFAULT_BRANCH };
  }
  const clash = branches.find((b) => wanted.startsWith(`${b}/`) || b.startsWith(`${wanted}/`));
  if (clash) {
    throw new ShiplogError(
      "USAGE",
      `cannot create ledger branch "${wanted}": the remote holds "${clash}", and git cannot hold both; pass --ledger-branch ${clash} to append to that ledger`
    );
  }
  if (!flags.create) {
    throw new ShiplogError(
      "USAGE",
      `ledger branch "${wanted}" does not exist on "${flags.remote}", which holds ${branches.slice(0, 5).join(", ")}${branches.length > 5 ? ", \u2026" : ""}: pass --ledger-branch NAME for one of those, or --create to start a new ledger at seq 0 on "${wanted}"`
    );
  }
  return location;
}
async function readLocation(flags, opts = {}) {
  if (flags.ledgerBranch) return located(flags, flags.ledgerBranch);
  const base2 = located(flags, "shiplog");
  return { ...base2, branch: await readBranch(base2, opts) };
}
async function forEachLedger(flags, opts, read) {
  if (flags.allShards && flags.ledgerBranch)
    throw new ShiplogError("USAGE", "--all-shards and --ledger-branch exclude each other");
  if (flags.allShards) {
    const base2 = located(flags, "shiplog");
    const out = [];
    for (const branch of await allShards(base2)) out.push(await read({ ...base2, branch }));
    return out;
  }
  if (flags.ledgerBranch) return [await read(located(flags, flags.ledgerBranch))];
  const guess = located(flags, opts.repository ? shardBranch(opts.repository) : "shiplog");
  try {
    return [await read(guess)];
  } catch (e) {
    if (!isShiplogError(e, "BRANCH_NOT_FOUND")) throw e;
    const branch = await readBranch(guess, opts);
    if (branch === guess.branch) throw e;
    return [await read({ ...guess, branch })];
  }
}
function readTextFile(path, what) {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = e.code;
    throw new ShiplogError(
      "BAD_INPUT",
      `cannot read ${what} "${path}": ${code === "ENOENT" ? "no such file" : e.message}`
    );
  }
}
function signingKeyFrom(keyFile) {
  if (keyFile) return loadSigningKey(readTextFile(keyFile, "key file"), `key file "${keyFile}"`);
  const pem = process.env.SHIPLOG_SIGNING_KEY;
  if (pem) return loadSigningKey(pem, "SHIPLOG_SIGNING_KEY");
  throw new ShiplogError(
    "USAGE",
    "no signing key: pass --key FILE or set SHIPLOG_SIGNING_KEY to the PEM text"
  );
}
function trustedKeysFrom(files) {
  if (!files?.length) {
    throw new ShiplogError(
      "NO_TRUSTED_KEY",
      "no trusted key: pass --trusted-key FILE (the ledger public key, kept outside the ledger)"
    );
  }
  return files.map((f) => loadTrustedKey(readTextFile(f, "trusted key"), `trusted key "${f}"`));
}
var collect = (value, previous = []) => [...previous, value];
function jsonOption() {
  return new Option("--json", "machine-readable JSON output");
}
function positiveInt(name) {
  return (v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1)
      throw new ShiplogError("USAGE", `${name} must be a positive integer`);
    return n;
  };
}
function repoFrom(value) {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(value);
  if (!m) throw new ShiplogError("USAGE", `--repo must be OWNER/NAME, got "${value}"`);
  return { owner: m[1], repo: m[2] };
}
function checkEnvironmentKnown(environment, known) {
  if (environment === void 0) return;
  const names = distinctNames(known);
  if (names.some((n) => sameName(n, environment))) return;
  throw new ShiplogError(
    "USAGE",
    `--environment "${environment}" matches no environment in the ledger (${names.length ? `it has: ${names.slice(0, 20).join(", ")}` : "it records no environment yet"})`
  );
}

// src/cli/output.ts
function printJson(value) {
  process.stdout.write(inertJson(value, 2) + "\n");
}
var useColour = () => !!process.stdout.isTTY && !process.env.NO_COLOR;
var colour = {
  green: (s) => useColour() ? `\x1B[32m${s}\x1B[0m` : s,
  red: (s) => useColour() ? `\x1B[31m${s}\x1B[0m` : s,
  dim: (s) => useColour() ? `\x1B[2m${s}\x1B[0m` : s,
  bold: (s) => useColour() ? `\x1B[1m${s}\x1B[0m` : s
};
var PagedOutput = class {
  constructor(out = process.stdout) {
    this.out = out;
    out.on("error", (e) => {
      if (e.code !== "EPIPE") throw e;
      this.closed = true;
    });
  }
  out;
  closed = false;
  async write(text) {
    if (this.closed) return false;
    if (text && !this.out.write(text)) {
      const out = this.out;
      await new Promise((resolve5) => {
        const done = () => {
          out.off("drain", done);
          out.off("error", done);
          resolve5();
        };
        out.on("drain", done);
        out.on("error", done);
      });
    }
    return !this.closed;
  }
};

// src/cli/commands/app-manifest.ts
import { existsSync, readFileSync as readFileSync2 } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
function findAppYml(from = dirname(fileURLToPath(import.meta.url))) {
  for (let dir = from, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, "app.yml");
    if (existsSync(candidate) && existsSync(join(dir, "package.json"))) return candidate;
  }
  throw new ShiplogError("NOT_FOUND", "app.yml not found next to the shiplog package");
}
function registerManifestCommand(app) {
  app.command("create-manifest").description(
    `print app.yml as the JSON of GitHub's app manifest flow, with this installation's URLs (see README, "Create and run the app")`
  ).requiredOption(
    "--webhook-url <url>",
    "where the app receives webhooks: https://HOST/api/github/webhooks"
  ).option(
    "--redirect-url <url>",
    "where GitHub sends the browser after the app is created, with ?code= for the conversion"
  ).option("--setup-url <url>", "where GitHub sends people after they install the app").option("--name <name>", "the app name (default: from app.yml; must be unique on GitHub)").option("--url <url>", "the app homepage (default: from app.yml)").option("--public", "let any account install the app (default: only the owner)").action(async (o) => {
    const { buildManifest } = await import("./cli-chunks/app-manifest-build-2F5LS5VW.js");
    const manifest = buildManifest(readFileSync2(findAppYml(), "utf8"), o);
    process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
  });
}

// src/cli/commands/app-admin.ts
function privateKeyFrom(env) {
  let pem;
  let source;
  if (env.PRIVATE_KEY?.trim()) {
    source = "PRIVATE_KEY";
    pem = env.PRIVATE_KEY.trim();
    if (!pem.includes("-----BEGIN")) pem = Buffer.from(pem, "base64").toString("utf8");
    pem = pem.replace(/\\n/g, "\n");
  } else if (env.PRIVATE_KEY_PATH?.trim()) {
    source = `PRIVATE_KEY_PATH "${env.PRIVATE_KEY_PATH}"`;
    pem = readTextFile(env.PRIVATE_KEY_PATH.trim(), "the app private key");
  } else {
    throw new ShiplogError(
      "USAGE",
      "set PRIVATE_KEY (the app's private key, PEM) or PRIVATE_KEY_PATH (its file), as for the app"
    );
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "rsa") throw new Error(`a ${key.asymmetricKeyType} key, not RSA`);
    return key.export({ type: "pkcs8", format: "pem" }).toString();
  } catch (e) {
    throw new ShiplogError("BAD_KEY", `${source} is not a GitHub App private key: ${errorMessage(e)}`);
  }
}
function appCredentialsFrom(env) {
  const id = env.APP_ID?.trim() ?? "";
  if (!/^\d{1,15}$/.test(id)) throw new ShiplogError("USAGE", "set APP_ID to the numeric GitHub App id");
  const host = env.GHE_HOST?.trim();
  const baseUrl = host ? `${env.GHE_PROTOCOL?.trim() || "https"}://${host}/api/v3` : env.GITHUB_API_URL?.trim() || "https://api.github.com";
  return { appId: Number(id), privateKey: privateKeyFrom(env), baseUrl };
}
function registerAppCommands(program2) {
  const app = program2.command("app").description("the GitHub App's own upkeep (credentials from APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH)");
  registerManifestCommand(app);
  app.command("redeliver").description(
    "redeliver the app's webhook deliveries that failed and never got through since then (GitHub keeps them 3 days)"
  ).requiredOption("--since <date-or-duration>", "how far back to look: 2h, 24h, 3d at most, or a date").option("--dry-run", "list what would be redelivered, redeliver nothing").addOption(jsonOption()).action(async (o) => {
    const now = /* @__PURE__ */ new Date();
    const since = parsePointInTime(o.since, "--since", now);
    if (since >= now) throw new ShiplogError("USAGE", "--since must be in the past");
    if (now.getTime() - since.getTime() > DELIVERY_RETENTION_MS) {
      throw new ShiplogError(
        "USAGE",
        `--since reaches back ${formatDuration(now.getTime() - since.getTime())}, but GitHub keeps an app's webhook deliveries for 3 days only: nothing older can be listed or redelivered (use 72h or less)`
      );
    }
    const credentials = appCredentialsFrom(process.env);
    const room = await import("./cli-chunks/room-GZUYVVYI.js");
    const api = room.createAppClient({
      ...credentials,
      onRateLimit: (m) => process.stderr.write(`shiplog: ${m}
`)
    });
    const plan = room.planRedeliveries(await room.listHookDeliveries(api, { since }), since);
    const outcomes = [];
    for (const delivery of plan.redeliver) {
      if (o.dryRun) {
        outcomes.push({ delivery });
        continue;
      }
      try {
        await room.redeliverHookDelivery(api, delivery.id);
        outcomes.push({ delivery });
      } catch (e) {
        outcomes.push({ delivery, error: errorMessage(e) });
      }
    }
    const failed = outcomes.filter((x) => x.error).length;
    if (o.json) {
      printJson({
        ok: failed === 0,
        dry_run: !!o.dryRun,
        since: since.toISOString(),
        deliveries: plan.deliveries,
        failed_deliveries: plan.failed,
        recovered_events: plan.recovered,
        redeliver: outcomes.map(({ delivery: d, error }) => ({
          id: d.id,
          guid: d.guid,
          event: d.event,
          action: d.action,
          delivered_at: d.deliveredAt,
          status: d.status,
          status_code: d.statusCode,
          redelivered: !o.dryRun && !error,
          ...error ? { error } : {}
        }))
      });
    } else process.stdout.write(room.renderRedeliveries(plan, outcomes, { since, dryRun: !!o.dryRun }));
    if (failed) process.exitCode = 1;
  });
}

// src/cli/commands/audit.ts
import { resolve } from "node:path";

// src/audit/csv.ts
var AUDIT_CSV_COLUMNS = [
  "kind",
  "seq",
  "entry_hash",
  "timestamp",
  "environment",
  "repository",
  "commit",
  "shard",
  "pull_requests",
  "commits",
  "why"
];
function renderExceptionsCsv(exceptions) {
  const rows = exceptions.map((x) => [
    x.kind,
    String(x.seq),
    x.hash,
    x.timestamp,
    x.environment ?? "",
    x.repository,
    x.commit,
    x.shard ?? "",
    (x.pull_requests ?? []).join(" "),
    (x.commits ?? []).join(" "),
    x.why
  ]);
  return [[...AUDIT_CSV_COLUMNS], ...rows].map((cells) => cells.map(csvCell).join(",") + "\r\n").join("");
}

// src/audit/exceptions.ts
var EXCEPTION_KINDS = [
  "uncovered-commits",
  "unapproved-pr",
  "direct-push-deploy",
  "incomplete-evidence",
  "approval-not-collected",
  "override-not-reviewed",
  "override-reviewed-late",
  // Written by the reconciliation sweep against GitHub's deployments (issue 14); listed so the
  // kinds a consumer must expect stay one list.
  "unrecorded-deploy"
];
var DEFAULT_REVIEW_WITHIN_MS = 72 * HOUR_MS;
var NAMED = 10;
var ExceptionFinder = class {
  exceptions = [];
  /** Exceptions of `started` deploys, dropped at the end if an outcome of the same deploy follows. */
  starts = [];
  lastOutcome = /* @__PURE__ */ new Map();
  kept = [];
  add(e) {
    const p = e.statement.predicate;
    if (p.type === "deploy") {
      const outcome = deployOutcome(p);
      const key = deployKey(e);
      if (outcome === "started") {
        const exceptions = deployExceptions(e);
        if (exceptions.length) this.starts.push({ key, seq: e.seq, exceptions });
        return;
      }
      if (outcome) this.lastOutcome.set(key, Math.max(this.lastOutcome.get(key) ?? -1, e.seq));
      this.exceptions.push(...deployExceptions(e));
      return;
    }
    if (p.type === "override" || p.type === "override-review" || p.type === "reconciliation")
      this.kept.push(e);
  }
  result(opts) {
    const window = opts.reviewWithinMs ?? DEFAULT_REVIEW_WITHIN_MS;
    const exceptions = [...this.exceptions];
    for (const s of this.starts)
      if ((this.lastOutcome.get(s.key) ?? -1) <= s.seq) exceptions.push(...s.exceptions);
    exceptions.push(...unrecordedDeploys(this.kept));
    const awaitingReview = [];
    for (const { override: o, reviews } of linkReviews(this.kept)) {
      const p = o.statement.predicate;
      const due = Date.parse(p.timestamp) + window;
      const first = reviews[0];
      if (!first) {
        if (opts.now.getTime() > due) exceptions.push(notReviewed(o, window, opts.now));
        else awaitingReview.push(awaiting(o, due));
        continue;
      }
      const late = lateReview(o, first, window);
      if (late) exceptions.push(late);
    }
    return {
      exceptions: sortByTime(exceptions.filter((x) => inScope(x, opts))),
      awaitingReview: sortByTime(awaitingReview.filter((x) => inScope(x, opts)))
    };
  }
};
function sortByTime(list) {
  const at = new Map(list.map((x) => [x, Date.parse(x.timestamp)]));
  return list.sort(
    (a, b) => at.get(a) - at.get(b) || (a.shard ?? "").localeCompare(b.shard ?? "") || a.seq - b.seq || (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0)
  );
}
var deployKey = (e) => {
  const p = e.statement.predicate;
  return JSON.stringify([e.branch ?? "", p.repository, p.environment ?? "", p.commit]);
};
function unrecordedDeploys(entries) {
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const p = e.statement.predicate;
    if (p.type !== "reconciliation" || !Array.isArray(p.details?.differences)) continue;
    for (const d of p.details.differences) {
      if (d?.kind !== "unrecorded-deploy" || typeof d.deployment_id !== "number") continue;
      const key = `${p.repository.toLowerCase()}#${d.deployment_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const commit = typeof d.commit === "string" ? d.commit : p.commit;
      const when = typeof d.succeeded_at === "string" ? d.succeeded_at : p.timestamp;
      const by = typeof d.creator === "string" ? ` by ${d.creator}` : "";
      const environment = typeof d.environment === "string" ? d.environment : p.environment;
      out.push({
        kind: "unrecorded-deploy",
        seq: e.seq,
        hash: e.hash,
        timestamp: when,
        ...environment ? { environment } : {},
        repository: p.repository,
        commit,
        why: `GitHub deployment ${d.deployment_id} of ${commit.slice(0, 7)} to ${environment ?? "an environment"}${by} succeeded at ${when} with no deploy entry on the ledger (found by the reconciliation at seq ${e.seq}).`,
        commits: [commit]
      });
    }
  }
  return out;
}
function inScope(x, opts) {
  const t = Date.parse(x.timestamp);
  if (opts.environment !== void 0 && !sameName(x.environment, opts.environment)) return false;
  if (opts.since && t < opts.since.getTime()) return false;
  if (opts.until && t > opts.until.getTime()) return false;
  return true;
}
var KIND_ORDER = new Map(EXCEPTION_KINDS.map((k, i) => [k, i]));
function base(e, kind, why) {
  const p = e.statement.predicate;
  return {
    kind,
    seq: e.seq,
    hash: e.hash,
    timestamp: p.timestamp,
    ...p.environment !== void 0 ? { environment: p.environment } : {},
    repository: p.repository,
    commit: p.commit,
    why,
    ...e.branch !== void 0 ? { shard: e.branch } : {}
  };
}
function deployLabel(p, seq) {
  const env = p.environment ? ` to ${p.environment}` : "";
  const outcome = deployOutcome(p);
  const note = outcome === "failure" ? ", which failed" : outcome === "rolled-back" ? ", later rolled back" : outcome === "started" ? ", started with no outcome recorded" : "";
  return `the deploy of ${shortSha(p.commit)}${env} (seq ${seq}${note})`;
}
function prLabel(pr) {
  return `pull request #${pr.number}${pr.title ? ` ${quoted(pr.title)}` : ""}${pr.author ? ` by ${pr.author}` : ""}`;
}
function deployExceptions(e) {
  const p = e.statement.predicate;
  const label = deployLabel(p, e.seq);
  const out = [];
  const cs = changeSetOf(p);
  const approval = approvalView(p.approval);
  const missing = missingEvidence(p);
  if (missing.length) {
    out.push(
      base(
        e,
        "approval-not-collected",
        `${capitalise(label)} was recorded ${missing.join(" and ")}, so who let it in is not established.`
      )
    );
  }
  if (cs && !cs.readable) {
    out.push(
      base(
        e,
        "incomplete-evidence",
        `The change set of ${label} cannot be read (${cs.problem}), so what it shipped is not established.`
      )
    );
  } else if (cs) {
    const prOfCommit = new Map(cs.commits.list.map((c) => [c.sha, c.pull_request]));
    if (cs.uncovered_commits.length) {
      const n = cs.uncovered_commits.length;
      const named = cs.uncovered_commits.slice(0, NAMED).map((c) => {
        const number2 = prOfCommit.get(c.sha);
        const reason = c.reason === "no-pull-request" ? "no pull request" : c.reason === "unknown" ? "its pull request could not be established" : number2 ? `pull request #${number2} is not approved` : "its pull request is not approved";
        return `${shortSha(c.sha)} ${quoted(c.message, 60)} by ${c.author} (${reason})`;
      });
      const more = n > NAMED ? `; and ${n - NAMED} more` : "";
      out.push({
        ...base(
          e,
          "uncovered-commits",
          `${capitalise(label)} shipped ${n} ${n === 1 ? "commit" : "commits"} no approved pull request covers: ${named.join("; ")}${more}.`
        ),
        commits: cs.uncovered_commits.map((c) => c.sha)
      });
    }
    for (const pr of cs.pull_requests) {
      if (pr.approval.status === "approved") continue;
      out.push({
        ...base(
          e,
          "unapproved-pr",
          `${capitalise(prLabel(pr))}, shipped by ${label}, is not approved: ${notApprovedBecause(pr.approval, pr.author)}.`
        ),
        pull_requests: [pr.number]
      });
    }
    const own = cs.uncovered_commits.find((c) => c.sha === p.commit && c.reason === "no-pull-request");
    if (approval?.status === "no-pull-request" || own) {
      out.push({
        ...base(
          e,
          "direct-push-deploy",
          `${capitalise(label)}: the deployed commit came in without a pull request${own ? ` (${quoted(own.message, 60)} by ${own.author})` : ""}.`
        ),
        commits: [p.commit]
      });
    }
    if (!cs.complete) {
      const gaps = cs.truncated;
      const reason = gaps[0] ?? "no reason recorded";
      const more = gaps.length > 1 ? ` (and ${gaps.length - 1} more)` : "";
      out.push(
        base(
          e,
          "incomplete-evidence",
          `The change set of ${label} is incomplete, so coverage of every shipped commit (${cs.commits.count}) was not established: ${reason}${more}.`
        )
      );
    }
  } else if (approval?.status === "unapproved") {
    const pr = pullRequestOf(p);
    out.push({
      ...base(
        e,
        "unapproved-pr",
        `${pr ? capitalise(prLabel(pr)) : "The pull request"}, shipped by ${label}, is not approved: ${notApprovedBecause(approval, pr?.author)}.`
      ),
      ...pr ? { pull_requests: [pr.number] } : {}
    });
  } else if (approval?.status === "no-pull-request") {
    out.push({
      ...base(
        e,
        "direct-push-deploy",
        `${capitalise(label)}: the deployed commit came in without a pull request.`
      ),
      commits: [p.commit]
    });
  }
  return out;
}
function missingEvidence(p) {
  if (p.type !== "deploy") return [];
  const out = [];
  const status = approvalView(p.approval)?.status;
  if (!changeSetOf(p) && (status === void 0 || status === "not-collected" || status === "unknown"))
    out.push(
      status === void 0 ? "with no approval evidence" : "without approval evidence (not collected)"
    );
  if (!actorOf(p)) out.push("without an actor");
  return out;
}
function notApprovedBecause(a, author) {
  const reasons = [];
  const names = (rs) => rs.map((r) => r.login).join(", ");
  if (a.changes_requested.length) reasons.push(`changes requested by ${names(a.changes_requested)}`);
  const stale = a.approvers.filter((r) => r.stale);
  if (stale.length) reasons.push(`the approval by ${names(stale)} was of an older head`);
  for (const r of a.not_counted) {
    const who = r.reason === "author" || r.login === author ? "the author" : r.reason === "bot" ? "a bot" : "not eligible";
    reasons.push(`${r.login}'s review does not count (${who})`);
  }
  if (a.status !== "unapproved" && a.status !== "approved" && a.status !== "unknown")
    reasons.push(`its approval status is ${a.status}`);
  if (a.status === "unknown") reasons.push("its approval evidence is missing");
  if (!reasons.length)
    reasons.push(a.approvers.some((r) => !r.stale) ? "its approvals did not count" : "nobody approved it");
  return reasons.join("; ");
}
function linkReviews(entries) {
  const linked = [];
  const byHash = /* @__PURE__ */ new Map();
  const bySeq = /* @__PURE__ */ new Map();
  for (const e of entries) {
    if (e.statement.predicate.type !== "override") continue;
    const l = { override: e, reviews: [] };
    linked.push(l);
    byHash.set(e.hash, l);
    bySeq.set(`${e.branch ?? ""}#${e.seq}`, l);
  }
  for (const e of entries) {
    if (e.statement.predicate.type !== "override-review") continue;
    const ref = reviewedOverride(e.statement.predicate);
    const l = (ref.hash !== void 0 ? byHash.get(ref.hash) : void 0) ?? (ref.hash === void 0 && ref.seq !== void 0 ? bySeq.get(`${e.branch ?? ""}#${ref.seq}`) : void 0);
    l?.reviews.push(e);
  }
  for (const l of linked)
    l.reviews.sort(
      (a, b) => Date.parse(reviewedAt(a.statement.predicate)) - Date.parse(reviewedAt(b.statement.predicate))
    );
  return linked;
}
function overrideLabel(o) {
  const p = o.statement.predicate;
  const by = actorOf(p);
  const pr = pullRequestOf(p);
  const reason = detailString(p, "reason");
  return `The break-glass override${by ? ` by ${by}` : ""} at ${formatTime(p.timestamp)} (seq ${o.seq})` + (pr ? ` of ${prLabel(pr)}` : ` of ${shortSha(p.commit)}`) + (reason ? `, reason ${quoted(reason)}` : "");
}
function withOverrideScope(x, o) {
  const p = o.statement.predicate;
  const pr = pullRequestOf(p);
  return {
    ...x,
    // A review carries no environment of its own: the override's is the one it concerns.
    ...p.environment !== void 0 ? { environment: p.environment } : {},
    ...pr ? { pull_requests: [pr.number] } : {}
  };
}
function notReviewed(o, window, now) {
  const overdue = now.getTime() - (Date.parse(o.statement.predicate.timestamp) + window);
  return withOverrideScope(
    base(
      o,
      "override-not-reviewed",
      `${overrideLabel(o)}, has no review recorded within ${formatWindow(window)} (overdue by ${formatDuration(overdue)}).`
    ),
    o
  );
}
function lateReview(o, review, window) {
  const r = review.statement.predicate;
  const overrideAt = Date.parse(o.statement.predicate.timestamp);
  const at = reviewedAt(r);
  const after = Date.parse(at) - overrideAt;
  const recordedLate = r.details?.within === false;
  if (!recordedLate && after <= window) return void 0;
  const policyWindow = detailString(r, "review_within");
  const why = after > window ? `past the ${formatWindow(window)} window` : `which the app recorded as outside the policy's ${policyWindow ?? "review"} window`;
  const reviewer = actorOf(r);
  return withOverrideScope(
    base(
      review,
      "override-reviewed-late",
      `${overrideLabel(o)}, was reviewed${reviewer ? ` by ${reviewer}` : ""} at ${formatTime(at)}, ${formatDuration(after)} later, ${why}.`
    ),
    o
  );
}
function awaiting(o, due) {
  const p = o.statement.predicate;
  const pr = pullRequestOf(p);
  const by = actorOf(p);
  return {
    seq: o.seq,
    hash: o.hash,
    timestamp: p.timestamp,
    due: new Date(due).toISOString(),
    ...by !== void 0 ? { by } : {},
    ...p.environment !== void 0 ? { environment: p.environment } : {},
    repository: p.repository,
    commit: p.commit,
    ...pr ? { pull_request: pr.number } : {},
    ...o.branch !== void 0 ? { shard: o.branch } : {}
  };
}
function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// src/audit/render.ts
function renderFindings(f, scope, shards) {
  const lines = [];
  const n = f.exceptions.length;
  if (n === 0) lines.push(`no exceptions${scope}`);
  else {
    lines.push(`${n} ${n === 1 ? "exception" : "exceptions"}${scope}:`);
    lines.push(
      table(f.exceptions, [
        ...shards ? [{ header: "SHARD", value: (x) => x.shard ?? "-" }] : [],
        { header: "SEQ", value: (x) => String(x.seq) },
        { header: "TIME", value: (x) => formatTime(x.timestamp) },
        { header: "KIND", value: (x) => x.kind },
        { header: "ENV", value: (x) => x.environment ?? "-" },
        { header: "COMMIT", value: (x) => x.commit.slice(0, 12) },
        { header: "WHY", value: (x) => x.why }
      ])
    );
  }
  for (const a of f.awaitingReview) {
    lines.push(
      `awaiting review: the override${a.by ? ` by ${inert(a.by)}` : ""} (seq ${a.seq}${a.pull_request ? `, pull request #${a.pull_request}` : ""}) is due for review by ${formatTime(a.due)}`
    );
  }
  return lines.join("\n") + "\n";
}
function renderStats(s) {
  const w = s.window;
  const begins = w.ledger_begins ? `; the ledger begins ${formatTime(w.ledger_begins)}` : "";
  const lines = [
    `delivery metrics from ${formatTime(w.since)} to ${formatTime(w.until)} (${round(w.days, 1)} days${begins})`
  ];
  if (s.environments.length !== 1) lines.push("", ...block("all environments", s.overall));
  for (const e of s.environments)
    lines.push("", ...block(inert(`${e.environment} (${e.repositories.join(", ")})`), e));
  if (s.environments.length === 0) lines.push("", "no deploys in the window");
  return lines.join("\n") + "\n";
}
function block(title, f) {
  const df = f.deployment_frequency;
  const lt = f.lead_time;
  const cfr = f.change_failure_rate;
  const ttr = f.time_to_restore;
  const rows = [
    [
      "deployment frequency",
      df.per_day === null ? noFigure(df) : `${round(df.per_day, 2)} per day, ${round(df.per_week, 2)} per week`,
      `${df.deploys} successful ${plural(df.deploys, "deploy")}`
    ],
    [
      "lead time for changes",
      lt.p50_seconds === null ? noFigure(lt) : `p50 ${duration(lt.p50_seconds)}, p90 ${duration(lt.p90_seconds)}`,
      `${lt.pull_requests} ${plural(lt.pull_requests, "pull request")} in ${lt.deploys} ${plural(lt.deploys, "deploy")}` + (lt.deploys_without_change_set ? `; ${lt.deploys_without_change_set} ${plural(lt.deploys_without_change_set, "deploy")} without a change set` : "") + (lt.pull_requests_without_merge_time ? `; ${lt.pull_requests_without_merge_time} without a merge time` : "")
    ],
    [
      "change failure rate",
      cfr.rate === null ? noFigure(cfr) : `${round(cfr.rate * 100, 1)}%`,
      `${cfr.failed + cfr.rolled_back} of ${cfr.deploys} ${plural(cfr.deploys, "deploy")}: ${cfr.failed} failed, ${cfr.rolled_back} rolled back`
    ],
    [
      "time to restore",
      ttr.p50_seconds === null ? noFigure(ttr) : `p50 ${duration(ttr.p50_seconds)}`,
      `${ttr.restored} ${plural(ttr.restored, "restore")}` + (ttr.unrestored ? `; ${ttr.unrestored} not restored yet` : "")
    ]
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return [title, ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  (${c})`)];
}
function renderRefusal(reports, what) {
  const problems = reports.flatMap((r) => r.problems.map((p) => ({ ...p, branch: r.branch })));
  const lines = [
    `ledger INVALID: ${problems.length} ${plural(problems.length, "problem")}; ${what} for a ledger that does not verify`,
    renderProblems(
      problems,
      (rows) => table(rows, [
        ...reports.length > 1 ? [{ header: "SHARD", value: (p) => p.branch }] : [],
        { header: "CHECK", value: (p) => p.check },
        { header: "SEQ", value: (p) => p.seq === void 0 ? "-" : String(p.seq) },
        { header: "COMMIT", value: (p) => p.commit ? p.commit.slice(0, 12) : "-" },
        { header: "FILE", value: (p) => p.file ?? "-" },
        { header: "PROBLEM", value: (p) => p.message }
      ])
    )
  ];
  return lines.join("\n") + "\n";
}
var noFigure = (f) => f.not_enough_history ? "not enough history" : "no data";
var duration = (s) => formatDuration(s * 1e3);
var round = (n, digits) => n.toFixed(digits);
var plural = (n, word) => n === 1 ? word : `${word}s`;

// src/report/write.ts
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname as dirname2 } from "node:path";
function writeAtomically(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname2(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ShiplogError("BAD_INPUT", `cannot write "${path}": ${e.message}`);
  }
}

// src/cli/progress.ts
var SILENT = { update: () => void 0, finish: () => void 0 };
function quietOption() {
  return new Option("--quiet", "no progress line on stderr (it shows only on a terminal, after ~2 s)");
}
function startProgress(o) {
  const stream = o.stream ?? process.stderr;
  if (o.quiet || o.json || !stream.isTTY) return SILENT;
  const now = o.now ?? (() => performance.now());
  const delay = o.delayMs ?? afterMs();
  const interval = o.intervalMs ?? 250;
  const started = now();
  let drawn = false;
  let last = -Infinity;
  return {
    update(done, total) {
      const t = now();
      if (t - started < delay || t - last < interval && done < total) return;
      last = t;
      const line = progressLine(o.label, done, total, (t - started) / 1e3);
      const width = Math.max(20, (stream.columns || 80) - 1);
      stream.write(`\r\x1B[K${line.slice(0, width)}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write("\r\x1B[K");
      drawn = false;
    }
  };
}
function afterMs() {
  const v = Number(process.env.SHIPLOG_PROGRESS_AFTER_MS);
  return process.env.SHIPLOG_PROGRESS_AFTER_MS !== void 0 && Number.isFinite(v) && v >= 0 ? v : 2e3;
}
function progressLine(label, done, total, seconds3) {
  const n = (x) => Math.round(x).toLocaleString("en-US");
  const pct = total > 0 ? Math.floor(done / total * 100) : 0;
  const rate = seconds3 > 0 ? done / seconds3 : 0;
  const left = rate > 0 && total >= done ? (total - done) / rate : void 0;
  return `${label} ${n(done)} / ${n(total)} entries (${pct}%), ${n(rate)}/s` + (left !== void 0 ? `, about ${eta(left)} left` : "");
}
function eta(seconds3) {
  if (seconds3 < 60) return `${Math.ceil(seconds3)} s`;
  const m = Math.floor(seconds3 / 60);
  const s = Math.round(seconds3 % 60);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

// src/report/load.ts
async function readVerified(opts) {
  const reports = [];
  const many = opts.locations.length > 1;
  for (const location of opts.locations) {
    const { verified: _none, ...verify } = await verifyLedger({
      location,
      trusted: opts.trusted,
      jobs: opts.jobs,
      onEntry: many ? (e) => opts.onEntry({ ...e, branch: location.branch }) : opts.onEntry,
      ...opts.onProgress ? { onProgress: (done, total) => opts.onProgress(done, total, many ? location.branch : void 0) } : {}
    });
    reports.push(verify);
  }
  return combine(reports);
}
function combine(reports) {
  if (reports.length === 1) return { verify: reports[0], checkpointText: reports[0].checkpointText };
  const first = reports[0];
  const verify = {
    ...first,
    ok: reports.every((r) => r.ok),
    branch: `${reports.length} shards`,
    entries: reports.reduce((n, r) => n + r.entries, 0),
    checked: reports.reduce((n, r) => n + r.checked, 0),
    keys: [...new Set(reports.flatMap((r) => r.keys))],
    problems: reports.flatMap((r) => r.problems.map((p) => ({ ...p, message: `${r.branch}: ${p.message}` })))
  };
  const checkpointText = reports.map((r) => `# ${r.branch}
${r.checkpointText ?? "(no checkpoint)\n"}`).join("\n");
  return { verify, shards: reports, checkpointText };
}
async function loadReportData(opts) {
  const entries = [];
  const v = await readVerified({ ...opts, onEntry: (e) => entries.push(e) });
  if (opts.locations.length > 1)
    entries.sort((a, b) => a.statement.predicate.timestamp.localeCompare(b.statement.predicate.timestamp));
  return { ...v, entries };
}

// src/cli/verified-ledger.ts
function jobsOption() {
  return new Option("--jobs <n>", "worker threads for signature checks (default: all cores)").argParser(
    positiveInt("--jobs")
  );
}
async function readVerifiedLedger(o, trusted2, withheld, onEntry) {
  const locations = o.allShards ? await forEachLedger(o, {}, async (location) => location) : [await readLocation(o)];
  const progress = startProgress({ label: "verifying", quiet: o.quiet, json: o.json });
  let count2 = 0;
  let data;
  try {
    data = await readVerified({
      locations,
      trusted: trusted2,
      jobs: o.jobs ?? defaultJobs(),
      onEntry: (e) => {
        count2++;
        onEntry(e);
      },
      onProgress: (done, total) => progress.update(done, total)
    });
  } finally {
    progress.finish();
  }
  if (data.verify.ok) return { ...data, count: count2 };
  const reports = data.shards ?? [data.verify];
  if (o.json)
    printJson({
      ok: false,
      verified: false,
      problems: reports.flatMap(
        (r) => r.problems.map((p) => ({ ...p, ...reports.length > 1 ? { shard: r.branch } : {} }))
      )
    });
  else process.stdout.write(colour.red(renderRefusal(reports, withheld)));
  process.exitCode = 1;
  return void 0;
}

// src/cli/commands/audit.ts
function registerAuditCommand(program2) {
  addShardsOption(
    addLocationOptions(
      program2.command("audit").description(
        `list every exception the ledger shows (${EXCEPTION_KINDS.join(", ")}; unrecorded-deploy from the app's reconciliation entries); exit 1 when there is one`
      ).option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).option("--environment <name>", "only exceptions about this environment").option(
        "--since <date-or-duration>",
        "only exceptions from then on: 2026-03-01, or back from now: 30d, 12h"
      ).option("--until <date-or-duration>", "only exceptions up to then (default: now)").option(
        "--review-within <duration>",
        "how soon a break-glass override must be reviewed (the policy's settings.override.review_within)",
        formatWindow(DEFAULT_REVIEW_WITHIN_MS)
      ).option("--csv <file>", "also write one CSV row per exception").option(
        "--format <format>",
        "text (default), or ocsf: one OCSF Compliance Finding (2003) per exception, one JSON object per line"
      ).addOption(jobsOption()).addOption(quietOption()).addOption(jsonOption())
    )
  ).action(async (o) => {
    const now = /* @__PURE__ */ new Date();
    const since = o.since === void 0 ? void 0 : parsePointInTime(o.since, "--since", now);
    const until = o.until === void 0 ? void 0 : parsePointInTime(o.until, "--until", now);
    if (since && until && since >= until) throw new ShiplogError("USAGE", "--since must be before --until");
    const reviewWithinMs = parseDuration(o.reviewWithin, "--review-within");
    if (o.format !== void 0 && o.format !== "text" && o.format !== "ocsf")
      throw new ShiplogError("USAGE", `unknown --format "${o.format}": use text or ocsf`);
    if (o.format === "ocsf" && o.json)
      throw new ShiplogError("USAGE", "--format ocsf and --json: choose one");
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const finder = new ExceptionFinder();
    const environments = /* @__PURE__ */ new Set();
    const data = await readVerifiedLedger(o, trusted2, "exceptions are not listed", (e) => {
      finder.add(e);
      environments.add(e.statement.predicate.environment);
    });
    if (!data) return;
    checkEnvironmentKnown(o.environment, environments);
    const findings = finder.result({
      now,
      reviewWithinMs,
      environment: o.environment,
      since,
      until
    });
    const csv = o.csv ? resolve(o.csv) : void 0;
    if (csv) writeAtomically(csv, renderExceptionsCsv(findings.exceptions));
    if (o.format === "ocsf") {
      const { renderFindingsOcsf } = await import("./cli-chunks/findings-2RNJDGVZ.js");
      process.stdout.write(renderFindingsOcsf(findings.exceptions, { productVersion: program2.version() }));
    } else if (o.json) {
      const counts = Object.fromEntries(
        EXCEPTION_KINDS.map((k) => [k, findings.exceptions.filter((x) => x.kind === k).length])
      );
      printJson({
        ok: findings.exceptions.length === 0,
        verified: true,
        entries: data.count,
        filters: {
          ...o.environment !== void 0 ? { environment: o.environment } : {},
          ...since ? { since: since.toISOString() } : {},
          ...until ? { until: until.toISOString() } : {}
        },
        review_within: formatWindow(reviewWithinMs),
        counts,
        exceptions: findings.exceptions,
        awaiting_review: findings.awaitingReview,
        ...csv ? { csv } : {}
      });
    } else {
      const scope = [
        o.environment !== void 0 ? ` in ${o.environment}` : "",
        since ? ` since ${formatTime(since.toISOString())}` : "",
        until ? ` until ${formatTime(until.toISOString())}` : ""
      ].join("");
      process.stdout.write(
        colour.green(`ledger valid: ${data.verify.entries} entries, chain intact, signatures trusted`) + "\n"
      );
      process.stdout.write(renderFindings(findings, scope, !!o.allShards));
      if (csv) process.stdout.write(`csv ${csv}
`);
    }
    if (findings.exceptions.length) process.exitCode = 1;
  });
}

// src/cli/commands/export.ts
import { resolve as resolve2 } from "node:path";
var loadRoom = () => import("./cli-chunks/room-TH5CZLJ5.js");
var EXPORT_FORMATS = ["ocsf", "jsonl", "csv"];
function registerExportCommands(program2) {
  const productVersion = program2.version();
  addShardsOption(
    addLocationOptions(
      program2.command("export").description(
        "verify the ledger, then write one event per entry (OCSF, JSON Lines or CSV) and print the checkpoint it reached"
      ).option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).requiredOption("--format <format>", `event format: ${EXPORT_FORMATS.join(" | ")}`).option(
        "--since <file>",
        "a checkpoint an earlier export printed: export only the entries after it (with --all-shards, the labelled checkpoints it printed)"
      ).option("--out <file>", "write the events to this file (atomically) instead of stdout").option(
        "--jobs <n>",
        "worker threads for signature checks (default: all cores)",
        positiveInt("--jobs")
      ).addOption(quietOption()).addOption(jsonOption())
    )
  ).action(async (o) => {
    const format = exportFormat(o.format);
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const room = await loadRoom();
    const since = o.since ? room.parseCheckpointSet(readTextFile(o.since, "checkpoint given to --since"), o.since) : void 0;
    if (since && !since.labelled && o.allShards) {
      throw new ShiplogError(
        "USAGE",
        `--since ${o.since} holds one checkpoint; with --all-shards it takes the labelled checkpoints "export --all-shards" printed`
      );
    }
    const out = o.out ? resolve2(o.out) : void 0;
    const spool = out ? room.Spool.beside(out) : room.Spool.temporary("export");
    let entries = 0;
    if (format === "csv") spool.write(room.csvHeader());
    const progress = startProgress({ label: "verifying and exporting", quiet: o.quiet, json: o.json });
    try {
      const shards = await room.verifyAll((read) => forEachLedger(o, {}, read), {
        trusted: trusted2,
        jobs: o.jobs ?? defaultJobs(),
        labelled: !!o.allShards,
        onEntry: (e) => {
          entries++;
          spool.write(eventLine(room, e, format, productVersion));
        },
        onProgress: (done, total) => progress.update(done, total),
        since: (branch) => {
          if (!since) return void 0;
          if (!since.labelled) return since.text;
          const cp = since.shards.get(branch);
          if (cp === void 0 && !o.allShards) {
            throw new ShiplogError(
              "USAGE",
              `--since ${o.since} has no checkpoint for ${branch} (it names ${[...since.shards.keys()].join(", ")})`
            );
          }
          return cp;
        }
      });
      const gone = o.allShards && since?.labelled ? [...since.shards.keys()].filter((b) => !shards.some((s) => s.location.branch === b)) : [];
      progress.finish();
      room.refuseUnlessVerified(
        shards,
        gone,
        "exported",
        (lines) => process.stderr.write(lines.join("\n") + "\n")
      );
      const reached = shards.map((s) => ({ branch: s.location.branch, checkpoint: room.tipCheckpoint(s) }));
      if (out) spool.commitTo(out);
      else await room.writeToStdout(spool.chunks());
      const say = (text) => (out ? process.stdout : process.stderr).write(text);
      if (o.json) {
        say(
          JSON.stringify(
            {
              format,
              ...out ? { out } : {},
              entries,
              shards: shards.map((s, i) => ({
                branch: s.location.branch,
                entries: s.count,
                checkpoint: reached[i].checkpoint
              }))
            },
            null,
            2
          ) + "\n"
        );
      } else if (o.allShards) {
        say(room.formatCheckpointSet(reached.map((r) => [r.branch, r.checkpoint])));
      } else say(reached[0].checkpoint);
    } finally {
      progress.finish();
      spool.remove();
    }
  });
  addShardsOption(
    addLocationOptions(
      program2.command("forward").description(
        "verify the ledger since the cursor, then send the entries after it to a collector; the cursor moves past what was delivered"
      ).option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).requiredOption(
        "--to <url>",
        "destination: syslog+tcp://HOST:PORT, syslog+tls://HOST:PORT, relp://HOST:PORT or https://HOST[:PORT] (Splunk HEC, token in $SHIPLOG_HEC_TOKEN)"
      ).requiredOption(
        "--cursor <file>",
        "how far delivery to this destination got (created on the first run; one file per destination)"
      ).option("--format <format>", "event format: ocsf | jsonl", "ocsf").option("--batch <n>", "entries per batch (default 100)", positiveInt("--batch")).option("--ca <file>", "PEM CA(s) to trust for the collector certificate (syslog+tls://, https://)").option("--cert <file>", "PEM client certificate, for collectors that ask for one").option("--cert-key <file>", "PEM key of the client certificate").option(
        "--sd-id <name@pen>",
        "syslog/RELP: carry hash and seq as structured data under this SD-ID, PEN being your organisation's IANA enterprise number (default: no structured data; the hash is in the event)"
      ).option(
        "--max-message-bytes <n>",
        "largest message sent (syslog: whole message; HEC: one event); larger events go with their long lists cut, named in truncated (at least 2048)",
        "8192"
      ).option(
        "--jobs <n>",
        "worker threads for signature checks (default: all cores)",
        positiveInt("--jobs")
      ).addOption(quietOption()).addOption(jsonOption())
    )
  ).action(async (o) => {
    const room = await loadRoom();
    const format = room.parseStreamFormat(o.format);
    const sdId = o.sdId === void 0 ? void 0 : room.parseSdId(o.sdId);
    const maxMessageBytes = room.parseMaxMessageBytes(o.maxMessageBytes ?? "8192");
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(o.to)?.[1]?.toLowerCase();
    const hec = scheme === "https" || scheme === "http";
    const tls = tlsFiles(o, scheme);
    const token = process.env.SHIPLOG_HEC_TOKEN;
    if (hec && !token) {
      throw new ShiplogError(
        "USAGE",
        "no HEC token: set the environment variable SHIPLOG_HEC_TOKEN (there is no flag for it, so it stays out of process lists and shell history)"
      );
    }
    const attempts = forwardAttempts();
    const progress = startProgress({ label: "verifying", quiet: o.quiet, json: o.json });
    const { result, destination } = await room.forwardLedgers({
      onProgress: (done, total) => progress.update(done, total),
      each: (read) => forEachLedger(o, {}, read),
      labelled: !!o.allShards,
      trusted: trusted2,
      jobs: o.jobs ?? defaultJobs(),
      to: o.to,
      cursorPath: o.cursor,
      format,
      batch: o.batch,
      tls,
      token: hec ? token : void 0,
      sdId,
      maxMessageBytes,
      attempts,
      productVersion,
      log: {
        info: (m) => process.stderr.write(`${m}
`),
        warning: (m) => process.stderr.write(`${m}
`)
      },
      tell: (lines) => process.stderr.write(lines.join("\n") + "\n"),
      hint: { format: "--format", shards: "--all-shards" }
    }).finally(() => progress.finish());
    printForwardResult(result, destination, format, !!o.json);
  });
}
function exportFormat(value) {
  if (EXPORT_FORMATS.includes(value)) return value;
  throw new ShiplogError("USAGE", `unknown format "${value}": use ${EXPORT_FORMATS.join(", ")}`);
}
function eventLine(room, e, format, productVersion) {
  if (format === "csv") return room.csvLine(room.exportCsvRow(e));
  return room.formatBody(e, format, { productVersion }) + "\n";
}
function tlsFiles(o, scheme) {
  if (!o.ca && !o.cert && !o.certKey) return void 0;
  if (scheme !== "syslog+tls" && scheme !== "https") {
    throw new ShiplogError(
      "USAGE",
      "--ca, --cert and --cert-key apply to syslog+tls:// and https:// destinations only"
    );
  }
  if (!o.cert !== !o.certKey)
    throw new ShiplogError("USAGE", "--cert and --cert-key go together: a client certificate needs its key");
  if (o.ca) readTextFile(o.ca, "CA file");
  if (o.cert) readTextFile(o.cert, "client certificate");
  if (o.certKey) readTextFile(o.certKey, "client certificate key");
  return {
    ...o.ca ? { caFile: o.ca } : {},
    ...o.cert ? { certFile: o.cert, keyFile: o.certKey } : {}
  };
}
function forwardAttempts() {
  const v = process.env.SHIPLOG_FORWARD_ATTEMPTS;
  if (v === void 0 || v === "") return void 0;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ShiplogError("USAGE", `SHIPLOG_FORWARD_ATTEMPTS must be a positive integer (got "${v}")`);
  return n;
}
function printForwardResult(r, destination, format, json) {
  const positions = (r.cursor?.positions ?? []).map((p) => ({
    ...p.shard !== void 0 ? { shard: p.shard } : {},
    seq: p.seq,
    hash: p.hash
  }));
  if (json) {
    printJson({
      destination,
      format,
      delivered: r.delivered,
      batches: r.batches,
      retries: r.retries,
      cursor: positions
    });
    return;
  }
  const where = positions.length ? positions.map((p) => `${p.shard !== void 0 ? `${p.shard} ` : ""}at seq ${p.seq}`).join(", ") : "empty";
  process.stdout.write(
    r.delivered ? `forwarded ${r.delivered} entries to ${destination} in ${r.batches} batch(es); cursor ${where}
` : `nothing new to forward to ${destination}; cursor ${where}
`
  );
}

// src/cli/commands/ledger.ts
import { chmodSync, existsSync as existsSync2, mkdirSync as mkdirSync2, readFileSync as readFileSync5, statSync, writeFileSync as writeFileSync2 } from "node:fs";
import { join as join2 } from "node:path";

// src/witness/client.ts
import { readFileSync as readFileSync3 } from "node:fs";
var DEFAULT_TIMEOUT_MS = 5e3;
function parseWitnessTarget(spec, readKey2 = (p) => readFileSync3(p, "utf8")) {
  const m = /^(https?:\/\/[^\s=]+)=(.+)$/.exec(spec.trim());
  if (!m) throw new ShiplogError("USAGE", `a witness is URL=KEYFILE with an http(s) URL (got "${spec}")`);
  const url = m[1].replace(/\/+$/, "");
  const keyText = m[2].includes("-----BEGIN") ? m[2] : readKeyFile(m[2], readKey2);
  return { url, key: loadTrustedKey(keyText, `witness key of ${url}`) };
}
function readKeyFile(path, readKey2) {
  try {
    return readKey2(path);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `cannot read the witness key "${path}": ${e.message}`);
  }
}
async function post(url, body, timeoutMs) {
  const r = await fetch(`${url}/add-checkpoint`, {
    method: "POST",
    body,
    headers: { "content-type": "text/plain; charset=utf-8" },
    signal: AbortSignal.timeout(timeoutMs)
  });
  return {
    status: r.status,
    type: r.headers.get("content-type") ?? "",
    text: (await r.text()).slice(0, 64 * 1024)
  };
}
async function requestCosignature(target, checkpointText, guess, proofFrom, opts = {}) {
  const cp = parseCheckpoint(checkpointText);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let oldSize = Math.min(guess, cp.size);
  for (let attempt = 1; ; attempt++) {
    let proof;
    try {
      proof = await proofFrom(oldSize);
    } catch (e) {
      return {
        url: target.url,
        ok: false,
        reason: `no consistency proof from size ${oldSize}: ${e.message}`
      };
    }
    let r;
    try {
      r = await post(target.url, formatAddCheckpoint(oldSize, proof, checkpointText), timeoutMs);
    } catch (e) {
      return { url: target.url, ok: false, reason: `unreachable: ${e.message}` };
    }
    if (r.status === 200) {
      const c = findCosignature(cp.body, signatureLines(r.text), target.key);
      if (!c) return { url: target.url, ok: false, reason: "answered 200 without a cosignature by its key" };
      return { url: target.url, ok: true, line: c.line, oldSize };
    }
    if (r.status === 409 && /^(0|[1-9]\d{0,15})\n$/.test(r.text)) {
      const stored = Number(r.text.trim());
      if (stored > cp.size)
        return {
          url: target.url,
          ok: false,
          storedSize: stored,
          reason: `it cosigned size ${stored}, larger than this checkpoint's ${cp.size}: a newer checkpoint from another writer, or the ledger was rolled back or forked`
        };
      if (attempt === 1 && stored !== oldSize) {
        oldSize = stored;
        continue;
      }
      return { url: target.url, ok: false, storedSize: stored, reason: `conflict: it holds size ${stored}` };
    }
    return { url: target.url, ok: false, reason: `answered ${r.status}: ${r.text.trim().slice(0, 200)}` };
  }
}

// src/witness/cosigned-file.ts
var MAX_NOTES = 16;
var EM_DASH = "\u2014";
function parseCosignedFile(text) {
  const notes = [];
  const problems = [];
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length) {
    if (lines[i] === "") {
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && lines[i] !== "") i++;
    i++;
    while (i < lines.length && lines[i].startsWith(EM_DASH)) i++;
    const noteText2 = `${lines.slice(start, i).join("\n")}
`;
    try {
      const checkpoint = parseCheckpoint(noteText2);
      notes.push({
        checkpoint,
        lines: noteText2.slice(checkpoint.body.length + 1).split("\n").filter(Boolean)
      });
    } catch (e) {
      problems.push(`cosigned note ${notes.length + problems.length + 1}: ${e.message}`);
      if (i === start) i++;
    }
  }
  return { notes, problems };
}
function noteText(n) {
  return `${n.checkpoint.body}
${n.lines.map((l) => `${l}
`).join("")}`;
}
function identity(line) {
  const [, name = "", b64 = ""] = line.split(" ");
  return `${name} ${Buffer.from(b64, "base64").subarray(0, 4).toString("hex")}`;
}
function mergeCosigned(existing, checkpointText, cosignatures) {
  const cp = parseCheckpoint(checkpointText);
  const old = existing ? parseCosignedFile(existing).notes : [];
  const same = old.find((n) => n.checkpoint.body === cp.body);
  const lines = checkpointText.slice(cp.body.length + 1).split("\n").filter(Boolean);
  for (const l of [...cosignatures, ...same?.lines ?? []]) {
    const id = identity(l);
    if (!lines.some((x) => identity(x) === id)) lines.push(l);
  }
  const kept = [{ checkpoint: cp, lines }];
  const seen = new Set(lines.map(identity));
  const older = old.filter((n) => n.checkpoint.body !== cp.body && n.checkpoint.size <= cp.size).sort((a, b) => b.checkpoint.size - a.checkpoint.size);
  for (const n of older) {
    if (kept.length >= MAX_NOTES) break;
    const fresh = n.lines.map(identity).filter((id) => !seen.has(id));
    if (fresh.length === 0) continue;
    for (const id of fresh) seen.add(id);
    kept.push(n);
  }
  return kept.map(noteText).join("\n");
}

// src/witness/publish.ts
async function cosignAt(look2, targets, guess) {
  const size = look2.tip.seq + 1;
  let chain = Promise.resolve();
  const proofs = /* @__PURE__ */ new Map();
  let tiles;
  const prove = async (old) => {
    tiles ??= await TileModel.at(look2.tip.treeDir, size, look2.objects);
    return proveFromTiles(tiles, look2.objects, (r) => consistencyProof(old, size, r));
  };
  const proofFrom = (old) => {
    if (old === 0 || old >= size) return Promise.resolve([]);
    let p = proofs.get(old);
    if (!p) {
      p = chain.then(() => prove(old));
      chain = p.catch(() => void 0);
      proofs.set(old, p);
    }
    return p;
  };
  return Promise.all(targets.map((t) => requestCosignature(t, look2.checkpoint, guess, proofFrom)));
}
async function look(objects, tip) {
  const [checkpoint, cosigned] = await objects.blobs([
    tip.checkpointBlob,
    ...tip.cosignedBlob ? [tip.cosignedBlob] : []
  ]);
  return {
    objects,
    tip,
    checkpoint: checkpoint.toString("utf8"),
    ...cosigned ? { cosigned: cosigned.toString("utf8") } : {}
  };
}
async function cosignTip(location, targets) {
  let view;
  try {
    view = await openTip(location);
  } catch (e) {
    if (isShiplogError(e, "BRANCH_NOT_FOUND")) return { outcomes: [] };
    return {
      outcomes: targets.map((t) => ({ url: t.url, ok: false, reason: `tip not read: ${errorMessage(e)}` }))
    };
  }
  try {
    const l = await look(view.objects, view.tip);
    const outcomes = await cosignAt(l, targets, view.tip.seq + 1);
    const lines = outcomes.flatMap((o) => o.ok ? [o.line] : []);
    return lines.length ? { cosigned: mergeCosigned(l.cosigned, l.checkpoint, lines), outcomes } : { outcomes };
  } finally {
    view.close();
  }
}
async function submitPushed(location, commit, targets) {
  const repo = await openRepo(location, "tip");
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, commit);
    return await cosignAt(await look(objects, tip), targets, tip.seq);
  } catch (e) {
    return targets.map((t) => ({ url: t.url, ok: false, reason: errorMessage(e) }));
  } finally {
    objects.close();
  }
}
async function appendWitnessed(req, targets) {
  if (targets.length === 0) return { ...await appendEntry(req), before: [], after: [] };
  const before = await cosignTip(req.location, targets);
  const result = await appendEntry({ ...req, ...before.cosigned ? { cosigned: before.cosigned } : {} });
  const after = result.duplicate ? [] : await submitPushed(req.location, result.commit, targets);
  return { ...result, before: before.outcomes, after };
}
function witnessWarnings(r) {
  const out = [];
  for (const o of [...r.before, ...r.after]) if (!o.ok) out.push(`witness ${o.url}: ${o.reason}`);
  return [...new Set(out)];
}

// src/witness/quorum.ts
async function checkWitnessQuorum(input) {
  const { keys, quorum, ledgerSize, origin } = input;
  const parsed = input.cosigned ? parseCosignedFile(input.cosigned) : { notes: [], problems: [] };
  const problems = [...parsed.problems];
  const forks = [];
  const seen = keys.map((k) => ({ key: k.source }));
  for (const note of parsed.notes) {
    const cp = note.checkpoint;
    if (cp.origin !== origin) {
      problems.push(
        `a cosigned checkpoint is for origin "${cp.origin}", not this ledger's "${origin}" (ignored)`
      );
      continue;
    }
    for (const [i, key] of keys.entries()) {
      const c = findCosignature(cp.body, note.lines, key);
      if (!c) continue;
      const who = `witness ${c.name} (${key.source})`;
      if (cp.size > ledgerSize) {
        forks.push(
          `rollback: ${who} cosigned size ${cp.size} at ${iso(c.time)}, but the ledger has only ${ledgerSize} entries`
        );
        continue;
      }
      const root = await input.rootAt(cp.size);
      if (!root.equals(checkpointRoot(cp))) {
        forks.push(
          `fork: ${who} cosigned size ${cp.size} with root ${checkpointRoot(cp).toString("base64")} at ${iso(c.time)}; the ledger's root at that size is ${root.toString("base64")}`
        );
        continue;
      }
      const s = seen[i];
      if (s.size === void 0 || cp.size > s.size)
        Object.assign(s, { name: c.name, size: cp.size, time: iso(c.time) });
    }
  }
  problems.push(...forks);
  const sizes = seen.map((s) => s.size).filter((n) => n !== void 0).sort((a, b) => b - a);
  const witnessedSize = sizes.length >= quorum ? sizes[quorum - 1] : void 0;
  const ok = forks.length === 0 && witnessedSize !== void 0;
  let message;
  if (forks.length) message = `the witnesses saw another history: ${forks.join("; ")}`;
  else if (witnessedSize === void 0)
    message = `witness quorum not met: ${sizes.length} of the ${keys.length} witness keys cosigned a checkpoint of this ledger, ${quorum} needed`;
  else if (witnessedSize < ledgerSize)
    message = `witnessed by ${quorum} of ${keys.length}: entries 0..${witnessedSize - 1} (${witnessedSize} of ${ledgerSize}); the newest ${ledgerSize - witnessedSize} are not yet cosigned`;
  else message = `witnessed by ${quorum} of ${keys.length}: all ${ledgerSize} entries`;
  return {
    ok,
    quorum,
    ledgerSize,
    ...witnessedSize !== void 0 ? { witnessedSize } : {},
    witnesses: seen,
    problems,
    message
  };
}
function iso(seconds3) {
  return new Date(seconds3 * 1e3).toISOString();
}

// src/witness/verify-witnesses.ts
async function checkLedgerWitnesses(location, verified, opts) {
  const { keys, quorum } = opts;
  const fail = (message) => ({
    ok: false,
    quorum,
    ledgerSize: verified.entries,
    witnesses: keys.map((k) => ({ key: k.source })),
    problems: [message],
    message
  });
  if (!verified.ok || !verified.checkpointText)
    return fail("witnesses not checked: the ledger itself did not verify");
  const repo = await openRepo(location, "tip");
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, verified.tip);
    const size = tip.seq + 1;
    const published = tip.cosignedBlob ? (await objects.blob(tip.cosignedBlob)).toString("utf8") : void 0;
    const texts = [...published ? [published] : [], ...opts.kept ?? []];
    const cosigned = texts.length ? texts.join("\n") : void 0;
    const tiles = await TileModel.at(tip.treeDir, size, objects);
    return await checkWitnessQuorum({
      cosigned,
      origin: parseCheckpoint(verified.checkpointText).origin,
      ledgerSize: size,
      rootAt: (n) => proveFromTiles(tiles, objects, (r) => rootFromReader(n, r)),
      keys,
      quorum
    });
  } catch (e) {
    return fail(`witnesses not checked: ${errorMessage(e)}`);
  } finally {
    objects.close();
  }
}

// src/witness/known-logs.ts
import { readFileSync as readFileSync4 } from "node:fs";
import { dirname as dirname3, resolve as resolve3 } from "node:path";
function readKey(path, what) {
  let pem;
  try {
    pem = readFileSync4(path, "utf8");
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `cannot read ${what} "${path}": ${e.message}`);
  }
  return loadTrustedKey(pem, `${what} "${path}"`);
}
function add(logs, origin, key, where) {
  if (!/^[^\s+]{1,200}$/.test(origin))
    throw new ShiplogError("USAGE", `${where}: origin "${origin}" must be one word with no "+"`);
  const keys = logs.get(origin) ?? [];
  if (!keys.some((k) => k.keyid === key.keyid)) keys.push(key);
  logs.set(origin, keys);
}
function knownLogsFrom(flags = [], configFile) {
  const logs = /* @__PURE__ */ new Map();
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw new ShiplogError("USAGE", `--log takes ORIGIN=KEYFILE (got "${flag}")`);
    const origin = flag.slice(0, eq);
    add(logs, origin, readKey(flag.slice(eq + 1), `log key of ${origin}`), "--log");
  }
  if (configFile) {
    let text;
    try {
      text = readFileSync4(configFile, "utf8");
    } catch (e) {
      throw new ShiplogError(
        "BAD_INPUT",
        `cannot read the logs file "${configFile}": ${e.message}`
      );
    }
    text.split("\n").forEach((raw, i) => {
      const line = raw.replace(/#.*$/, "").trim();
      if (!line) return;
      const parts = line.split(/\s+/);
      const where = `${configFile} line ${i + 1}`;
      if (parts.length !== 2) throw new ShiplogError("BAD_INPUT", `${where}: expected "ORIGIN KEYFILE"`);
      const [origin, keyFile] = parts;
      add(logs, origin, readKey(resolve3(dirname3(configFile), keyFile), `log key of ${origin}`), where);
    });
  }
  if (logs.size === 0)
    throw new ShiplogError("USAGE", "the witness knows no log: pass --log ORIGIN=KEYFILE or --logs FILE");
  return logs;
}

// src/cli/commands/witness.ts
function parseListen(value) {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ShiplogError("USAGE", `--listen takes HOST:PORT (got "${value}")`);
  return { host: m[1] ?? (m[2] || "127.0.0.1"), port };
}
function registerWitnessCommands(program2) {
  const witness = program2.command("witness").description("an independent witness that cosigns ledger checkpoints");
  witness.command("serve").description("serve POST /add-checkpoint (C2SP tlog-witness) with an Ed25519 cosignature/v1 key").requiredOption("--key <file>", 'the witness private key (PEM, as made by "shiplog keygen")').requiredOption(
    "--state <dir>",
    "folder for the latest cosigned checkpoint per origin (keep it; never share it)"
  ).option("--listen <host:port>", "address to listen on", "127.0.0.1:7380").option(
    "--name <name>",
    "the witness name in its cosignature lines (default: witness-<first 16 hex of the keyid>)"
  ).option(
    "--log <origin=keyfile>",
    "a known log: its checkpoint origin and public key (repeatable)",
    collect
  ).option("--logs <file>", 'known logs, one "ORIGIN KEYFILE" per line').action(async (o) => {
    const key = signingKeyFrom(o.key);
    const name = checkNoteName(o.name ?? `witness-${key.keyid.slice(0, 16)}`);
    const logs = knownLogsFrom(o.log, o.logs);
    const listen = parseListen(o.listen);
    const state = await WitnessState.open(o.state);
    const { startWitness } = await import("./cli-chunks/server-MQMTZHJA.js");
    const running = await startWitness(
      { key, name, logs, state, log: (line) => process.stderr.write(`shiplog witness: ${line}
`) },
      listen
    );
    process.stdout.write(`witness ${name} listening on ${running.url}
`);
    process.stdout.write(`vkey ${witnessVkey(name, key.publicKey)}
`);
    process.stdout.write(`logs ${[...logs.keys()].join(" ")}
`);
    await new Promise((resolve5) => {
      const stop = () => {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        void running.close().then(() => state.close()).then(resolve5, resolve5);
      };
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    });
  });
}
function witnessOptions(files, quorum, checkpointFiles = []) {
  if (!files?.length) {
    if (quorum !== void 0 || checkpointFiles.length)
      throw new ShiplogError("USAGE", "--witness-quorum and --witness-checkpoint need --witness-key");
    return void 0;
  }
  const keys = files.map((f) => loadTrustedKey(readTextFile(f, "witness key"), `witness key "${f}"`));
  if (new Set(keys.map((k) => k.keyid)).size !== keys.length)
    throw new ShiplogError("USAGE", "the same witness key is given twice: each key counts once in a quorum");
  const n = quorum ?? keys.length;
  if (n > keys.length)
    throw new ShiplogError(
      "USAGE",
      `--witness-quorum ${n} is more than the ${keys.length} witness key(s) given`
    );
  const kept = checkpointFiles.map((f) => readTextFile(f, "cosigned checkpoint"));
  return { keys, quorum: n, kept };
}
function renderWitnesses(w) {
  const lines = [w.ok ? colour.green(inert(w.message)) : colour.red(inert(w.message))];
  for (const s of w.witnesses)
    lines.push(
      `  witness ${s.name ? inert(s.name) : "-"} (${s.key}): ${s.size === void 0 ? "no cosigned checkpoint of this ledger" : `cosigned size ${s.size} at ${s.time}`}`
    );
  for (const p of w.problems) if (!w.message.includes(p)) lines.push(`  ${inert(p)}`);
  return lines.join("\n") + "\n";
}

// src/ledger/query.ts
async function findEntries(location, filter) {
  const prefix = filter.commit ? checkCommitPrefix(filter.commit) : void 0;
  const view = await openTip(location);
  try {
    const keep = (l) => (!filter.environment || sameName(l.environment, filter.environment)) && (!filter.type || l.type === filter.type);
    if (prefix) return await entriesForCommit(view, prefix, keep, filter.limit);
    return await readEntries(view, await newestLines(view, keep, filter.limit));
  } finally {
    view.close();
  }
}
async function* streamEntries(location, filter) {
  const view = await openTip(location);
  try {
    const keep = (l) => (!filter.environment || sameName(l.environment, filter.environment)) && (!filter.type || l.type === filter.type);
    let size = 100;
    const windows = filter.limit > 0 ? [await newestLines(view, keep, filter.limit)] : newestLinesByWindow(view, keep);
    for await (const lines of windows) {
      await view.objects.fetch(lines.map((l) => l.blob));
      for (let at = 0; at < lines.length; at += size, size = Math.min(size * 4, 500)) {
        yield await readEntries(view, lines.slice(at, at + size));
      }
    }
  } finally {
    view.close();
  }
}
async function showEntry(location, ref) {
  const bySeq = /^\d+$/.test(ref);
  const prefix = ref.toLowerCase().replace(/^sha256:/, "");
  if (!bySeq && !/^[0-9a-f]{6,64}$/.test(prefix)) {
    throw new ShiplogError(
      "USAGE",
      `"${ref}" is neither a seq number nor an entry hash (sha256:<hex>, at least 6 hex)`
    );
  }
  const view = await openTip(location);
  try {
    let line;
    if (bySeq) line = await lineForSeq(view, Number(ref));
    else {
      const hits = (await newestLines(view, (l) => l.hash.slice("sha256:".length).startsWith(prefix))).slice(
        0,
        2
      );
      if (hits.length > 1)
        throw new ShiplogError("USAGE", `hash prefix "${ref}" matches several entries; give more digits`);
      line = hits[0];
    }
    if (!line) throw new ShiplogError("NOT_FOUND", `no ledger entry ${ref}`);
    const entry = await readEntryAt(view, line);
    return { ...entry, ledgerCommit: await ledgerCommitOfSeq(view.repo, view.tip, line.seq) };
  } finally {
    view.close();
  }
}

// src/ledger/deployed.ts
async function deploysInForce(view, opts = {}) {
  const states = (await view.index.deployStatesNow()).filter(
    (s) => !opts.repository || sameName(s.repository, opts.repository)
  );
  const tops = states.map((s) => s.deploys[0]);
  const present = tops.filter((t) => !!t);
  const entries = await readEntries(view, present);
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  return states.map((s, i) => ({
    repository: s.repository,
    environment: s.environment,
    entry: tops[i] ? bySeq.get(tops[i].seq) : void 0
  }));
}
async function currentDeploys(location, opts = {}) {
  const view = await openTip(location);
  try {
    const found = await deploysInForce(view, opts);
    return sortDeploys(
      found.map((d) => ({
        repository: d.repository,
        environment: d.environment,
        ...d.entry ? { deploy: deployOf(d.entry) } : {}
      }))
    );
  } finally {
    view.close();
  }
}
async function knownEnvironments(location) {
  const view = await openTip(location);
  try {
    return (await view.index.deployStatesNow()).map((s) => s.environment);
  } finally {
    view.close();
  }
}

// src/cli/commands/since-file.ts
function checkpointFromFile(text) {
  if (!text.trimStart().startsWith("{")) return { text };
  let report;
  try {
    report = JSON.parse(text);
  } catch (e) {
    throw new ShiplogError("USAGE", `not a checkpoint nor a verify --json report: ${e.message}`);
  }
  if (typeof report.checkpointText !== "string")
    throw new ShiplogError("USAGE", "the verify report holds no checkpointText");
  const commit = typeof report.tip === "string" && /^[0-9a-f]{40}$/.test(report.tip) ? report.tip : void 0;
  return { text: report.checkpointText, ...commit ? { commit } : {} };
}

// src/cli/commands/ledger.ts
function registerLedgerCommands(program2) {
  program2.command("keygen").description("create an Ed25519 signing key pair: DIR/shiplog.key (private, 0600) and DIR/shiplog.pub").requiredOption("--out <dir>", "folder to write the keys into").option("--force", "overwrite existing key files").addOption(jsonOption()).action((o) => {
    const keyFile = join2(o.out, "shiplog.key");
    const pubFile = join2(o.out, "shiplog.pub");
    if (!o.force && (existsSync2(keyFile) || existsSync2(pubFile))) {
      throw new ShiplogError("USAGE", `${keyFile} or ${pubFile} already exists (use --force to replace)`);
    }
    mkdirSync2(o.out, { recursive: true });
    const k = generateSigningKeyPem();
    writeFileSync2(keyFile, k.privatePem, { mode: 384 });
    chmodSync(keyFile, 384);
    writeFileSync2(pubFile, k.publicPem, { mode: 420 });
    if (o.json) printJson({ keyid: k.keyid, privateKey: keyFile, publicKey: pubFile });
    else {
      process.stdout.write(`keyid ${k.keyid}
`);
      process.stdout.write(
        `private key: ${keyFile} (keep secret: store it as the SHIPLOG_SIGNING_KEY secret)
`
      );
      process.stdout.write(`public key:  ${pubFile} (commit it where verifiers can find it)
`);
    }
  });
  addLocationOptions(
    program2.command("record").description("append one signed entry to the ledger").requiredOption("--type <type>", `change type: ${RECORDABLE_TYPES.join(" | ")}`).requiredOption("--commit <sha>", "the 40-hex commit the change is about").requiredOption("--repo <owner/name>", "repository of the commit").option("--key <file>", "PEM private key (default: $SHIPLOG_SIGNING_KEY)").option("--environment <name>", "deployment environment").option("--branch <name>", "code branch the commit was deployed from").option(
      "--server-url <url>",
      "git server base URL for the statement subject",
      process.env.GITHUB_SERVER_URL || "https://github.com"
    ).option("--details <file>", "JSON object with the change type's own fields (version, status, files...)").option("--idempotency-key <key>", "skip the append when an entry with this key already exists").option("--allow-duplicate", "append even when the idempotency key was already recorded").option(
      "--create",
      "start a new ledger on --ledger-branch even though the remote holds other ledger branches"
    ).option(
      "--witness <url=keyfile>",
      "a witness to submit the checkpoint to and publish cosignatures from (repeatable; never blocks the append)",
      collect
    ).addOption(jsonOption())
  ).action(async (o) => {
    if (!RECORDABLE_TYPES.includes(o.type)) {
      throw new ShiplogError(
        "USAGE",
        `--type must be one of ${RECORDABLE_TYPES.join(", ")} (got "${o.type}")`
      );
    }
    const commit = o.commit.toLowerCase();
    if (!COMMIT_PATTERN.test(commit))
      throw new ShiplogError("USAGE", `--commit must be a full 40-hex commit sha (got "${o.commit}")`);
    if (!/^[\w.-]+\/[\w.-]+$/.test(o.repo))
      throw new ShiplogError("USAGE", `--repo must be OWNER/NAME (got "${o.repo}")`);
    checkTextFlags(o);
    const details = o.details ? readDetails(o.details) : void 0;
    const entry = {
      type: o.type,
      timestamp: (/* @__PURE__ */ new Date()).toISOString(),
      repository: o.repo,
      commit,
      environment: o.environment,
      branch: o.branch,
      idempotency_key: o.idempotencyKey,
      approval: { status: "not-collected" },
      details
    };
    checkNewEntry(entry);
    const key = signingKeyFrom(o.key);
    const location = await checkedRecordLocation(o, o.repo, (line) => process.stderr.write(`${line}
`));
    const witnesses = (o.witness ?? []).map((w) => parseWitnessTarget(w));
    try {
      const r = await appendWitnessed(
        {
          location,
          key,
          serverUrl: o.serverUrl,
          allowDuplicate: o.allowDuplicate,
          entry,
          onRetry: (n, why) => process.stderr.write(`shiplog: attempt ${n} did not land (${why}); retrying
`)
        },
        witnesses
      );
      for (const w of witnessWarnings(r)) process.stderr.write(`shiplog: warning: ${w}
`);
      if (o.json)
        printJson({
          seq: r.seq,
          hash: r.hash,
          ledgerCommit: r.commit,
          branch: location.branch,
          duplicate: r.duplicate,
          attempts: r.attempts,
          checkpoint: r.checkpoint,
          ...witnesses.length ? { witnesses: { before: r.before, after: r.after } } : {}
        });
      else {
        process.stdout.write(
          r.duplicate ? `already recorded as seq ${r.seq} ${r.hash} on ${location.branch} (same idempotency key; nothing appended)
` : `recorded seq ${r.seq} ${r.hash} on ${location.branch}
`
        );
      }
    } catch (e) {
      if (e instanceof AppendError) {
        process.stderr.write("shiplog: the entry below was signed but not appended; keep it as evidence:\n");
        process.stdout.write(JSON.stringify(e.envelope ?? null) + "\n");
      }
      throw e;
    }
  });
  addShardsOption(
    addLocationOptions(
      program2.command("verify").description(
        "verify every entry, the chain, the history, the index and the checkpoint against trusted keys"
      ).option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).option(
        "--checkpoint <file>",
        "an older checkpoint the ledger must extend (detects truncation and forks); every entry is still checked"
      ).option(
        "--since <file>",
        "a checkpoint verified before (or the saved output of verify --json, which pins the commit it verified): check only the entries after it, and that the ledger extends it"
      ).option(
        "--jobs <n>",
        "worker threads for signature checks (default: all cores)",
        positiveInt("--jobs")
      ).option("--witness-key <file>", "a witness's PEM public key (repeatable)", collect).option(
        "--witness-checkpoint <file>",
        "a cosigned checkpoint kept outside the ledger (e.g. from the witness): the ledger must extend it (repeatable)",
        collect
      ).option(
        "--witness-quorum <n>",
        "the ledger must extend a checkpoint cosigned by N of the witness keys (default: all of them)",
        positiveInt("--witness-quorum")
      ).addOption(quietOption()).addOption(jsonOption())
    )
  ).action(async (o) => {
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const witnessing = witnessOptions(o.witnessKey, o.witnessQuorum, o.witnessCheckpoint);
    const older = o.checkpoint ? readTextFile(o.checkpoint, "checkpoint") : void 0;
    const sinceFile = o.since ? checkpointFromFile(readTextFile(o.since, "checkpoint given to --since")) : void 0;
    const since = sinceFile?.text;
    if (since && o.allShards)
      throw new ShiplogError(
        "USAGE",
        "--since takes one shard's checkpoint; use it with --ledger-branch, not --all-shards"
      );
    const progress = startProgress({ label: "verifying", quiet: o.quiet, json: o.json });
    const reports = await forEachLedger(
      o,
      {},
      async (location) => {
        const { verified: _unused, ...report } = await verifyLedger({
          location,
          trusted: trusted2,
          olderCheckpoint: older,
          since,
          ...sinceFile?.commit ? { sinceCommit: sinceFile.commit } : {},
          jobs: o.jobs ?? defaultJobs(),
          onProgress: (done, total) => progress.update(done, total)
        }).finally(() => progress.finish());
        if (!witnessing) return report;
        const witnesses = await checkLedgerWitnesses(location, report, witnessing);
        return { ...report, ok: report.ok && witnesses.ok, witnesses };
      }
    );
    const ok = reports.every((r) => r.ok);
    if (o.json) printJson(o.allShards ? { ok, shards: reports } : reports[0]);
    else
      process.stdout.write(
        reports.map((r) => renderVerify(r, !!o.allShards) + (r.witnesses ? renderWitnesses(r.witnesses) : "")).join("\n")
      );
    if (!ok) process.exitCode = 1;
  });
  addShardsOption(
    addLocationOptions(
      program2.command("log").description("list ledger entries, newest first").option("--commit <sha-or-prefix>", "only entries about this commit (answered from the index)").option("--environment <name>", "only this environment").option("--type <type>", "only this change type").option("--repo <owner/name>", "the shard of this repository, in a central ledger repository").option("--limit <n>", "at most this many entries (default 100; 0 for all)", limitArg).addOption(jsonOption())
    ),
    "read every shiplog and shiplog/* branch: the entries of all shards, merged newest first, with a SHARD column"
  ).action(
    async (o) => {
      if (o.type !== void 0 && !CHANGE_TYPES.includes(o.type))
        throw new ShiplogError("USAGE", `--type must be one of ${CHANGE_TYPES.join(", ")} (got "${o.type}")`);
      const limit = o.limit ?? DEFAULT_LOG_LIMIT;
      if (!o.commit && !o.allShards) {
        await forEachLedger(o, { repository: o.repo }, async (location) => {
          const printer = new LogPrinter(!!o.json);
          for await (const page of streamEntries(location, {
            environment: o.environment,
            type: o.type,
            limit
          })) {
            if (!await printer.page(page)) break;
          }
          if (printer.count === 0 && o.environment !== void 0)
            checkEnvironmentKnown(o.environment, await knownEnvironments(location));
          await printer.end();
        });
        return;
      }
      const filter = {
        commit: o.commit,
        environment: o.environment,
        type: o.type,
        limit: limit === 0 ? void 0 : limit
      };
      const known = [];
      const found = await forEachLedger(o, { repository: o.repo }, async (location) => {
        const hits = await findEntries(location, filter);
        if (hits.length === 0 && o.environment !== void 0)
          known.push(...await knownEnvironments(location));
        return hits.map((e) => o.allShards ? { ...e, branch: location.branch } : e);
      });
      if (found.flat().length === 0 && known.length) checkEnvironmentKnown(o.environment, known);
      const entries = found.flat();
      if (o.allShards)
        entries.sort(
          (a, b) => b.statement.predicate.timestamp.localeCompare(a.statement.predicate.timestamp)
        );
      const shown = limit ? entries.slice(0, limit) : entries;
      if (o.json) return printJson(shown.map(jsonView));
      if (shown.length === 0) return void process.stdout.write("no matching entries\n");
      process.stdout.write(renderLog(shown, !!o.allShards) + "\n");
    }
  );
  addLocationOptions(
    program2.command("show").description("show one entry by seq or entry hash").argument("<seq-or-hash>", "a seq number, or sha256:<hex> (a hex prefix works)").option("--repo <owner/name>", "the shard of this repository, in a central ledger repository").addOption(jsonOption())
  ).action(async (ref, o) => {
    const [{ location, e }] = await forEachLedger(o, { repository: o.repo }, async (location2) => ({
      location: location2,
      e: await showEntry(location2, ref)
    }));
    const prove = `shiplog prove ${e.seq} --remote ${inert(location.remote)} --ledger-branch ${inert(location.branch)}`;
    if (o.json) return printJson({ ...jsonView(e), envelope: e.envelope, proveCommand: prove });
    process.stdout.write(
      `seq        ${e.seq}
hash       ${e.hash}
branch     ${inert(location.branch)}
ledger     ${e.ledgerCommit ?? '(deeper than a cold look-up walks; see "git log --grep")'}
blob       ${e.blob} (entry.json: git cat-file -p ${e.blob})
proof      ${prove} (an inclusion proof anyone can check offline)
`
    );
    process.stdout.write(inertJson(e.statement, 2) + "\n");
  });
}
function readDetails(file) {
  let size;
  try {
    size = statSync(file).size;
  } catch (e) {
    const missing = e.code === "ENOENT";
    throw new ShiplogError(
      "BAD_INPUT",
      `cannot read details file "${file}": ${missing ? "no such file" : e.message}`
    );
  }
  if (size > MAX_DETAILS_BYTES) {
    throw new ShiplogError(
      "BAD_INPUT",
      `details file "${file}" is ${size} bytes; --details takes at most ${MAX_DETAILS_BYTES} bytes (64 KiB)`
    );
  }
  const text = decodeUtf8(readFileSync5(file), `details file "${file}"`);
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `details file "${file}" is not JSON: ${e.message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ShiplogError("BAD_INPUT", `details file "${file}" must hold a JSON object`);
  }
  return v;
}
function checkTextFlags(o) {
  const flags = [
    ["--environment", o.environment],
    ["--branch", o.branch],
    ["--idempotency-key", o.idempotencyKey]
  ];
  for (const [flag, value] of flags) {
    if (value === void 0) continue;
    if (value.includes("\uFFFD")) throw new ShiplogError("USAGE", `${flag} is not valid UTF-8`);
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new ShiplogError("USAGE", `${flag} must not contain tabs, newlines or control characters`);
  }
  if (o.environment !== void 0) {
    const problem = environmentProblem(o.environment);
    if (problem) throw new ShiplogError("USAGE", `--environment ${problem}`);
  } else if (o.type === "deploy") {
    throw new ShiplogError(
      "USAGE",
      "--environment is required for --type deploy (the environment deployed to)"
    );
  }
  if (o.branch !== void 0 && o.branch.length > 255)
    throw new ShiplogError("USAGE", "--branch is longer than 255 characters");
  if (o.idempotencyKey !== void 0 && o.idempotencyKey.length > 500)
    throw new ShiplogError("USAGE", "--idempotency-key is longer than 500 characters");
}
function jsonView(e) {
  return {
    seq: e.seq,
    hash: e.hash,
    blob: e.blob,
    ledgerCommit: e.ledgerCommit,
    ...e.branch ? { branch: e.branch } : {},
    statement: e.statement
  };
}
function approvalSummary(e) {
  const a = e.statement.predicate.approval;
  if (!a) return "-";
  const who = Array.isArray(a.approvers) ? a.approvers.filter((x) => !x.stale).map((x) => x.login).join(",") : "";
  return who ? `${a.status} (${who})` : a.status;
}
var DEFAULT_LOG_LIMIT = 100;
function limitArg(value) {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`--limit takes a whole number, 0 for every entry (got "${value}")`);
  return Number(value);
}
var LOG_COLUMNS = [
  { header: "SEQ", value: (e) => String(e.seq) },
  { header: "TIME", value: (e) => e.statement.predicate.timestamp.replace(/\.\d+Z$/, "Z") },
  { header: "TYPE", value: (e) => e.statement.predicate.type },
  { header: "ENV", value: (e) => e.statement.predicate.environment ?? "-" },
  { header: "REPO", value: (e) => e.statement.predicate.repository },
  { header: "COMMIT", value: (e) => e.statement.predicate.commit.slice(0, 12) },
  {
    header: "ACTOR",
    value: (e) => String(e.statement.predicate.actor?.login ?? "-")
  },
  { header: "APPROVAL", value: approvalSummary }
];
var LogPrinter = class {
  constructor(json) {
    this.json = json;
  }
  json;
  widths;
  /** Entries written so far. */
  count = 0;
  out = new PagedOutput();
  async page(entries) {
    let text = "";
    if (this.json) {
      for (const e of entries)
        text += `${this.count++ === 0 ? "[\n" : ",\n"}${indent(inertJson(jsonView(e), 2))}`;
    } else {
      const cells = entries.map((e) => LOG_COLUMNS.map((c) => oneLine(c.value(e))));
      if (!this.widths) {
        this.widths = LOG_COLUMNS.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
        text += this.line(LOG_COLUMNS.map((c) => c.header)) + this.line(this.widths.map((w) => "-".repeat(w)));
      }
      for (const r of cells) text += this.line(r);
      this.count += entries.length;
    }
    return this.write(text);
  }
  async end() {
    if (this.json) await this.write(this.count ? "\n]\n" : "[]\n");
    else if (this.count === 0) await this.write("no matching entries\n");
  }
  line(vals) {
    return vals.map((v, i) => v.padEnd(this.widths[i])).join("  ").trimEnd() + "\n";
  }
  write(text) {
    return this.out.write(text);
  }
};
var indent = (text) => text.replace(/^/gm, "  ");
var oneLine = (s) => inert(s);
function renderLog(entries, shards) {
  return table(entries, [
    ...shards ? [{ header: "SHARD", value: (e) => e.branch ?? "-" }] : [],
    ...LOG_COLUMNS
  ]);
}
function renderVerify(r, named) {
  const lines = [];
  const what = named ? `${r.branch}: ` : "";
  const scope = r.since ? `${r.checked} new entries after the checkpoint of ${r.since.size}, ${r.entries} in all` : `${r.entries} entries`;
  if (r.ok) {
    lines.push(
      colour.green(`${what}ledger valid: ${scope}, chain intact, index consistent, signatures trusted`)
    );
  } else {
    lines.push(colour.red(`${what}ledger INVALID: ${r.problems.length} problem(s) in ${scope}`));
    lines.push(
      renderProblems(
        r.problems,
        (rows) => table(rows, [
          { header: "CHECK", value: (p) => p.check },
          { header: "SEQ", value: (p) => p.seq === void 0 ? "-" : String(p.seq) },
          { header: "COMMIT", value: (p) => p.commit ? p.commit.slice(0, 12) : "-" },
          { header: "FILE", value: (p) => p.file ?? "-" },
          { header: "PROBLEM", value: (p) => p.message }
        ])
      )
    );
  }
  lines.push(`branch ${r.branch} at ${r.tip}`);
  if (r.head) lines.push(`head   ${r.head}`);
  if (r.checkpoint) lines.push(`checkpoint ${inert(r.checkpoint.origin)} size ${r.checkpoint.size}`);
  if (r.olderCheckpoint) {
    lines.push(
      r.olderCheckpoint.consistent ? `extends the older checkpoint (size ${r.olderCheckpoint.size})` : `does NOT extend the older checkpoint (size ${r.olderCheckpoint.size})`
    );
  }
  return lines.join("\n") + "\n";
}

// src/cli/commands/proof.ts
import { writeFileSync as writeFileSync3 } from "node:fs";

// src/ledger/tree/prove.ts
async function tipTree(view) {
  const size = view.tip.seq + 1;
  const tiles = await TileModel.at(view.tip.treeDir, size, view.objects);
  await view.objects.fetch([...tiles.heldBlobs(), view.tip.checkpointBlob]);
  await tiles.prepare();
  const checkpoint = (await view.objects.blob(view.tip.checkpointBlob)).toString("utf8");
  const cp = parseCheckpoint(checkpoint);
  if (cp.size !== size || !cp.root.equals(tiles.root()))
    throw new ShiplogError(
      "VERIFY_FAILED",
      'the tip checkpoint does not match the tip tiles; run "shiplog verify"'
    );
  return { tiles, checkpoint, cp };
}
async function proveInclusion(location, ref) {
  const bySeq = /^\d+$/.test(ref);
  const prefix = ref.toLowerCase().replace(/^sha256:/, "");
  if (!bySeq && !/^[0-9a-f]{6,64}$/.test(prefix))
    throw new ShiplogError("USAGE", `"${ref}" is neither a seq number nor an entry hash (sha256:<hex>)`);
  const view = await openTip(location);
  try {
    const tree = await tipTree(view);
    const size = tree.cp.size;
    let line;
    let path;
    if (bySeq) {
      const seq = Number(ref);
      if (seq >= size) throw new ShiplogError("NOT_FOUND", `no ledger entry ${ref} (the ledger has ${size})`);
      path = await proveFromTiles(tree.tiles, view.objects, (r) => inclusionProof(seq, size, r), [seq]);
      line = { seq, blob: await tree.tiles.entryBlob(seq) };
    } else {
      const hits = await newestLines(view, (l) => l.hash.slice("sha256:".length).startsWith(prefix));
      if (hits.length > 1)
        throw new ShiplogError("USAGE", `hash prefix "${ref}" matches several entries; give more digits`);
      const hit = hits[0];
      if (!hit) throw new ShiplogError("NOT_FOUND", `no ledger entry ${ref}`);
      line = hit;
      path = await proveFromTiles(tree.tiles, view.objects, (r) => inclusionProof(hit.seq, size, r));
    }
    const entry = await readEntryAt(view, line);
    if (!verifyInclusion(line.seq, size, leafHash(entryHashBytes(entry.hash)), path, tree.cp.root))
      throw new ShiplogError(
        "VERIFY_FAILED",
        `entry ${line.seq} is not in the tip's tree; run "shiplog verify"`
      );
    return {
      shiplogProof: 1,
      kind: "inclusion",
      origin: tree.cp.origin,
      seq: line.seq,
      treeSize: size,
      entryHash: entry.hash,
      auditPath: path.map((h) => h.toString("base64")),
      checkpoint: tree.checkpoint,
      envelope: entry.envelope
    };
  } finally {
    view.close();
  }
}
async function proveConsistency(location, oldCheckpoint) {
  const old = parseCheckpoint(oldCheckpoint);
  const view = await openTip(location);
  try {
    const tree = await tipTree(view);
    if (old.size > tree.cp.size)
      throw new ShiplogError(
        "VERIFY_FAILED",
        `the ledger has ${tree.cp.size} entries, fewer than the ${old.size} the old checkpoint saw`
      );
    const path = await proveFromTiles(
      tree.tiles,
      view.objects,
      (r) => consistencyProof(old.size, tree.cp.size, r)
    );
    return {
      shiplogProof: 1,
      kind: "consistency",
      origin: tree.cp.origin,
      oldSize: old.size,
      treeSize: tree.cp.size,
      consistencyPath: path.map((h) => h.toString("base64")),
      oldCheckpoint,
      checkpoint: tree.checkpoint
    };
  } finally {
    view.close();
  }
}
function verifyProofBundle(raw, trusted2) {
  const problems = [];
  const fail = (check, message) => void problems.push({ check, message });
  const b = raw;
  if (!b || typeof b !== "object" || b.shiplogProof !== 1 || b.kind !== "inclusion" && b.kind !== "consistency") {
    fail("bundle", 'not a shiplog proof bundle ("shiplogProof": 1 with kind inclusion or consistency)');
    return { ok: false, problems };
  }
  const hashes = (list) => Array.isArray(list) && list.every((h) => typeof h === "string" && Buffer.from(h, "base64").length === 32) ? list.map((h) => Buffer.from(h, "base64")) : void 0;
  const signed = (text, what) => {
    let cp2;
    try {
      cp2 = parseCheckpoint(String(text));
    } catch (e) {
      fail("checkpoint", `${what}: ${e.message}`);
      return void 0;
    }
    if (!checkpointSigner(cp2, trusted2)) fail("checkpoint", `${what} is not signed by a trusted key`);
    return cp2;
  };
  const cp = signed(b.checkpoint, "checkpoint");
  if (cp && cp.size !== b.treeSize)
    fail("checkpoint", `checkpoint size ${cp.size} is not treeSize ${String(b.treeSize)}`);
  if (b.kind === "inclusion") {
    let hash;
    let seq;
    try {
      const entry = decodeEntry(JSON.stringify(b.envelope));
      hash = entry.hash;
      seq = entry.statement.predicate.seq;
      if (!findSigner(entry.paeBytes, entry.envelope, trusted2))
        fail("signature", "the entry is not signed by a trusted key");
    } catch (e) {
      fail("entry", `the envelope does not decode: ${e.message}`);
    }
    if (hash !== void 0 && (hash !== b.entryHash || seq !== b.seq))
      fail(
        "entry",
        `the envelope is entry ${seq} ${hash}, not the bundle's ${String(b.seq)} ${String(b.entryHash)}`
      );
    const path2 = hashes(b.auditPath);
    if (!path2) fail("bundle", "auditPath must be a list of base64 32-byte hashes");
    if (cp && path2 && hash !== void 0 && typeof b.seq === "number") {
      if (!verifyInclusion(b.seq, cp.size, leafHash(entryHashBytes(hash)), path2, cp.root))
        fail("inclusion", `the audit path does not lead from entry ${b.seq} to the checkpoint's root`);
    }
    return { ok: problems.length === 0, kind: "inclusion", seq, treeSize: cp?.size, problems };
  }
  const old = signed(b.oldCheckpoint, "old checkpoint");
  const path = hashes(b.consistencyPath);
  if (!path) fail("bundle", "consistencyPath must be a list of base64 32-byte hashes");
  if (old && cp && old.origin !== cp.origin)
    fail("consistency", `the checkpoints are of different logs ("${old.origin}", "${cp.origin}")`);
  if (old && cp && path && !verifyConsistency(old.size, cp.size, old.root, cp.root, path))
    fail("consistency", `the proof does not show the tree of ${cp.size} extending the one of ${old.size}`);
  return { ok: problems.length === 0, kind: "consistency", treeSize: cp?.size, problems };
}

// src/cli/commands/proof.ts
function registerProofCommands(program2) {
  addLocationOptions(
    program2.command("prove").description(
      "write an inclusion proof bundle for one entry (or, with --from, a consistency proof from an older checkpoint) that verify-proof checks offline"
    ).argument("[seq-or-hash]", "a seq number, or sha256:<hex> (a hex prefix works)").option("--from <checkpoint-file>", "prove that the ledger extends this older checkpoint instead").option("--repo <owner/name>", "the shard of this repository, in a central ledger repository").option("--out <file>", "write the bundle here (default: stdout)").addOption(jsonOption())
  ).action(
    async (ref, o) => {
      if (!ref === !o.from) throw new ShiplogError("USAGE", "give either SEQ|HASH or --from CHECKPOINT_FILE");
      const location = await readLocation(o, { repository: o.repo });
      const bundle = o.from ? await proveConsistency(
        location,
        checkpointFromFile(readTextFile(o.from, "checkpoint given to --from")).text
      ) : await proveInclusion(location, ref);
      const text = JSON.stringify(bundle, null, 2) + "\n";
      if (o.out) {
        writeFileSync3(o.out, text);
        if (o.json) printJson({ file: o.out, kind: bundle.kind, treeSize: bundle.treeSize });
        else process.stdout.write(`wrote ${bundle.kind} proof (tree size ${bundle.treeSize}) to ${o.out}
`);
      } else process.stdout.write(text);
    }
  );
  program2.command("verify-proof").description(
    'check a proof bundle from "shiplog prove" offline: signatures, checkpoint and RFC 6962 path'
  ).argument("<file>", "the proof bundle (JSON)").option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).addOption(jsonOption()).action((file, o) => {
    const trusted2 = trustedKeysFrom(o.trustedKey);
    let raw;
    try {
      raw = JSON.parse(readTextFile(file, "proof bundle"));
    } catch (e) {
      if (e instanceof ShiplogError) throw e;
      throw new ShiplogError("USAGE", `${file} is not JSON: ${e.message}`);
    }
    const v = verifyProofBundle(raw, trusted2);
    if (o.json) printJson(v);
    else if (v.ok)
      process.stdout.write(
        colour.green(
          v.kind === "inclusion" ? `ok: entry ${v.seq} is in the signed checkpoint of ${v.treeSize} entries
` : `ok: the signed checkpoint of ${v.treeSize} entries extends the older one
`
        )
      );
    else process.stdout.write(colour.red(v.problems.map((p) => `${p.check}: ${p.message}
`).join("")));
    if (!v.ok) process.exitCode = 1;
  });
}

// src/cli/commands/policy-snapshot.ts
import { writeFileSync as writeFileSync4 } from "node:fs";
function prFrom(value) {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new ShiplogError("USAGE", `--pr must be a pull request number, got "${value}"`);
  }
  return n;
}
async function teamsFrom(flags) {
  const teams = new Set(
    (flags.teams ?? "").split(",").map((t) => t.trim()).filter(Boolean)
  );
  if (flags.policy) {
    const { parsePolicy } = await import("./cli-chunks/policy-room-3BMUCCYY.js");
    const policy = parsePolicy(readTextFile(flags.policy, "policy file"), flags.policy);
    for (const rule of policy.rules) for (const t of rule.teams) teams.add(t);
    for (const t of policy.settings.override.teams) teams.add(t);
  }
  return [...teams].sort();
}
function registerPolicySnapshotCommand(program2) {
  policyCommand(program2).command("snapshot").description(
    "write a pull request snapshot for `policy evaluate` from the GitHub API (token from GITHUB_TOKEN, API from GITHUB_API_URL)"
  ).requiredOption("--repo <owner/name>", "repository").requiredOption("--pr <number>", "pull request number").option("--teams <slugs>", "comma-separated team slugs whose membership to record (e.g. dba,sre)").option("--policy <file>", "also record every team this policy file names").option("--out <file>", "write the snapshot here instead of standard output").action(async (flags) => {
    const { owner, repo } = repoFrom(flags.repo);
    const number2 = prFrom(flags.pr);
    const teams = await teamsFrom(flags);
    const token = process.env.GITHUB_TOKEN;
    if (!token) throw new ShiplogError("USAGE", "set GITHUB_TOKEN to a token that can read the repository");
    const { createGitHubClient, fetchPolicySnapshot } = await import("./cli-chunks/policy-room-3BMUCCYY.js");
    const api = createGitHubClient({ token, onRateLimit: (m) => process.stderr.write(`shiplog: ${m}
`) });
    const snapshot = await fetchPolicySnapshot(api, { owner, repo, number: number2, teams });
    const json = `${JSON.stringify(snapshot, null, 2)}
`;
    if (flags.out) {
      writeFileSync4(flags.out, json);
      process.stderr.write(
        `shiplog: wrote ${flags.out} (${snapshot.files.length} files, ${snapshot.reviews.length} reviews)
`
      );
    } else {
      process.stdout.write(json);
    }
  });
}

// src/cli/commands/policy.ts
function registerPolicyCommands(program2) {
  policyCommand(program2).command("evaluate").description(
    "evaluate an approval policy against a pull request snapshot (exit 0 satisfied, 1 not, 2 invalid input)"
  ).requiredOption("--policy <file>", "policy file, e.g. .github/shiplog.yml").requiredOption(
    "--pr <snapshot.json>",
    "pull request snapshot: { pull_request, files, reviews, teams, permissions }"
  ).addOption(jsonOption()).action(async (o) => {
    const { evaluatePolicy, parsePolicy, parseSnapshot, renderText, snapshotDirectory } = await import("./cli-chunks/policy-room-3BMUCCYY.js");
    const policy = parsePolicy(readTextFile(o.policy, "policy file"), o.policy);
    const snapshot = parseSnapshot(readTextFile(o.pr, "pull request snapshot"), o.pr);
    const verdict = await evaluatePolicy(policy, snapshot.input, snapshotDirectory(snapshot));
    if (o.json) printJson(verdict);
    else process.stdout.write(renderText(verdict));
    if (!verdict.satisfied) process.exitCode = 1;
  });
  registerPolicySnapshotCommand(program2);
}
function policyCommand(program2) {
  return program2.commands.find((c) => c.name() === "policy") ?? program2.command("policy").description("approval policies: evaluate offline, capture snapshots");
}

// src/cli/commands/reconcile.ts
function registerReconcileCommand(program2) {
  addLocationOptions(
    program2.command("reconcile").description(
      "compare GitHub's deployments to an environment with the ledger's deploy entries (token from GITHUB_TOKEN, API from GITHUB_API_URL); exit 1 when they differ"
    ).requiredOption("--repo <owner/name>", "repository whose deployments to compare").requiredOption("--environment <name>", "deployment environment, e.g. production").requiredOption(
      "--since <date-or-duration>",
      "start of the window: 2026-03-01, or back from now: 7d, 24h (ends now)"
    ).option(
      "--tolerance <duration>",
      "how far a record's time may be from its deployment when no run id ties them",
      formatWindow(DEFAULT_TOLERANCE_MS)
    ).option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).option("--jobs <n>", "worker threads for signature checks (default: all cores)", positiveInt("--jobs")).addOption(jsonOption())
  ).action(async (o) => {
    const now = /* @__PURE__ */ new Date();
    const { owner, repo } = repoFrom(o.repo);
    const repository = `${owner}/${repo}`;
    const environment = o.environment.trim();
    if (!environment) throw new ShiplogError("USAGE", "--environment must name an environment");
    const since = parsePointInTime(o.since, "--since", now);
    if (since >= now) throw new ShiplogError("USAGE", "--since must be in the past");
    const toleranceMs = parseDuration(o.tolerance, "--tolerance");
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const token = process.env.GITHUB_TOKEN;
    if (!token)
      throw new ShiplogError(
        "USAGE",
        "set GITHUB_TOKEN to a token that can read the repository's deployments"
      );
    const [data] = await forEachLedger(
      o,
      { repository },
      (location) => loadReportData({ locations: [location], trusted: trusted2, jobs: o.jobs ?? defaultJobs() })
    );
    if (!data.verify.ok) {
      if (o.json) printJson({ ok: false, verified: false, problems: data.verify.problems });
      else process.stdout.write(colour.red(renderRefusal([data.verify], "nothing is reconciled")));
      process.exitCode = 1;
      return;
    }
    const room = await import("./cli-chunks/room-GZUYVVYI.js");
    const api = room.createGitHubClient({
      token,
      onRateLimit: (m) => process.stderr.write(`shiplog: ${m}
`)
    });
    const deployments = await room.listDeployments(api, {
      owner,
      repo,
      environment,
      since: new Date(since.getTime() - toleranceMs)
    });
    const result = room.reconcile(deployments, data.entries, {
      repository,
      environment,
      since,
      until: now,
      toleranceMs
    });
    if (o.json) printJson({ ok: result.differences.length === 0, verified: true, ...result });
    else {
      process.stdout.write(
        colour.green(`ledger valid: ${data.verify.entries} entries, chain intact, signatures trusted`) + "\n"
      );
      process.stdout.write(room.renderReconcile(result));
    }
    if (result.differences.length) process.exitCode = 1;
  });
}

// src/cli/commands/report.ts
import { resolve as resolve4 } from "node:path";

// src/audit/stats.ts
var MIN_HISTORY = { days: 7, deploys: 3 };
var DeliveryStatsBuilder = class {
  constructor(opts) {
    this.opts = opts;
  }
  opts;
  first = Infinity;
  groups = /* @__PURE__ */ new Map();
  add(e) {
    const p = e.statement.predicate;
    const at = Date.parse(p.timestamp);
    if (at < this.first) this.first = at;
    if (p.type !== "deploy" || !p.environment) return;
    if (this.opts.environment !== void 0 && !sameName(p.environment, this.opts.environment)) return;
    const key = JSON.stringify([e.branch ?? "", p.repository.toLowerCase(), p.environment.toLowerCase()]);
    let g = this.groups.get(key);
    if (!g) {
      g = new TallyBuilder(p.environment, p.repository, this.opts.since.getTime(), this.opts.until.getTime());
      this.groups.set(key, g);
    }
    g.add(p);
  }
  /** One tally per (shard, repository, environment) deployed to in the window. */
  tallies() {
    return [...this.groups.values()].map((g) => g.done()).filter((t) => t.entries > 0);
  }
  result() {
    const since = this.opts.since.getTime();
    const first = this.first;
    const start = Number.isFinite(first) && first > since ? first : since;
    const days = Math.max(0, this.opts.until.getTime() - start) / DAY_MS;
    const byEnv = /* @__PURE__ */ new Map();
    for (const t of this.tallies()) {
      const list = byEnv.get(t.environment) ?? [];
      list.push(t);
      byEnv.set(t.environment, list);
    }
    const environments = [...byEnv.keys()].sort().map((environment) => ({
      environment,
      repositories: [...new Set(byEnv.get(environment).map((t) => t.repository))].sort(),
      ...figures(byEnv.get(environment), days)
    }));
    return {
      window: {
        since: this.opts.since.toISOString(),
        until: this.opts.until.toISOString(),
        days,
        ...start > since ? { ledger_begins: new Date(start).toISOString() } : {}
      },
      overall: figures([...byEnv.values()].flat(), days),
      environments
    };
  }
  /** Every lead time the figures rest on, in seconds, ascending (for a distribution chart). */
  leadTimeSamples() {
    return this.tallies().flatMap((t) => t.leadMs).map((ms) => Math.round(ms / 1e3)).sort((a, b) => a - b);
  }
};
var WeeklyDeploys = class {
  constructor(opts) {
    this.opts = opts;
    this.end = opts.until.getTime();
    this.weeks = Array.from({ length: opts.weeks }, (_, i) => ({
      start: new Date(this.end - (opts.weeks - i) * 7 * DAY_MS).toISOString(),
      deploys: 0
    }));
  }
  opts;
  end;
  weeks;
  add(e) {
    const p = e.statement.predicate;
    if (deployOutcome(p) !== "success" || !p.environment) return;
    if (this.opts.environment !== void 0 && !sameName(p.environment, this.opts.environment)) return;
    const back = Math.floor((this.end - Date.parse(p.timestamp)) / (7 * DAY_MS));
    if (back >= 0 && back < this.opts.weeks) this.weeks[this.opts.weeks - 1 - back].deploys++;
  }
};
var TallyBuilder = class {
  constructor(environment, repository, since, until) {
    this.since = since;
    this.until = until;
    this.t = {
      environment,
      repository,
      entries: 0,
      successes: 0,
      outcomes: 0,
      failed: 0,
      rolledBack: 0,
      leadMs: [],
      leadDeploys: 0,
      withoutChangeSet: 0,
      withoutMergeTime: 0,
      restoreMs: [],
      unrestored: 0
    };
  }
  since;
  until;
  t;
  // Earlier history counts for what was shipped before and which successes a rollback withdraws.
  shipped = /* @__PURE__ */ new Set();
  successes = [];
  incident;
  ended = false;
  add(p) {
    const { t, since } = this;
    const at = Date.parse(p.timestamp);
    if (this.ended || at > this.until) {
      this.ended = true;
      return;
    }
    const inWindow = at >= since;
    if (inWindow) t.entries++;
    const outcome = deployOutcome(p);
    if (outcome === "success") {
      if (inWindow) {
        t.successes++;
        t.outcomes++;
      }
      this.successes.push({ commit: p.commit, inWindow, withdrawn: false });
      if (this.incident !== void 0) {
        if (this.incident >= since) t.restoreMs.push(at - this.incident);
        this.incident = void 0;
      }
      const cs = changeSetOf(p);
      if (cs?.readable) {
        let measured = 0;
        for (const pr of cs.pull_requests) {
          if (this.shipped.has(pr.number)) continue;
          this.shipped.add(pr.number);
          if (!inWindow) continue;
          const merged = pr.merged_at === void 0 ? NaN : Date.parse(pr.merged_at);
          if (Number.isNaN(merged)) {
            t.withoutMergeTime++;
            continue;
          }
          t.leadMs.push(Math.max(0, at - merged));
          measured++;
        }
        if (measured) t.leadDeploys++;
      } else if (inWindow) {
        t.withoutChangeSet++;
      }
    } else if (outcome === "failure") {
      if (inWindow) {
        t.outcomes++;
        t.failed++;
      }
      this.incident ??= at;
    } else if (outcome === "rolled-back") {
      let withdrawn;
      for (let i = this.successes.length - 1; i >= 0; i--) {
        const s = this.successes[i];
        if (s.commit === p.commit && !s.withdrawn) {
          withdrawn = s;
          break;
        }
      }
      if (withdrawn) {
        withdrawn.withdrawn = true;
        if (withdrawn.inWindow) t.rolledBack++;
      } else if (inWindow) {
        t.outcomes++;
        t.rolledBack++;
      }
      this.incident ??= at;
    }
  }
  /** The tally so far (an incident still open counts as unrestored). */
  done() {
    return {
      ...this.t,
      unrestored: this.incident !== void 0 && this.incident >= this.since ? 1 : 0
    };
  }
};
function figures(tallies, days) {
  const sum = (f) => tallies.reduce((n, t) => n + f(t), 0);
  const entries = sum((t) => t.entries);
  const successes = sum((t) => t.successes);
  const outcomes = sum((t) => t.outcomes);
  const failed = sum((t) => t.failed);
  const rolledBack = sum((t) => t.rolledBack);
  const lead = tallies.flatMap((t) => t.leadMs);
  const restore = tallies.flatMap((t) => t.restoreMs);
  const measured = entries > 0 && days > 0;
  const enough = days >= MIN_HISTORY.days && outcomes >= MIN_HISTORY.deploys;
  const short = entries > 0 && !enough ? { not_enough_history: true } : {};
  const figure = (value) => enough ? value : null;
  return {
    deployment_frequency: {
      per_day: measured ? figure(successes / days) : null,
      per_week: measured ? figure(successes * 7 / days) : null,
      deploys: successes,
      ...short
    },
    lead_time: {
      p50_seconds: figure(seconds(percentile(lead, 0.5))),
      p90_seconds: figure(seconds(percentile(lead, 0.9))),
      pull_requests: lead.length,
      deploys: sum((t) => t.leadDeploys),
      deploys_without_change_set: sum((t) => t.withoutChangeSet),
      pull_requests_without_merge_time: sum((t) => t.withoutMergeTime),
      ...short
    },
    change_failure_rate: {
      rate: outcomes > 0 ? figure((failed + rolledBack) / outcomes) : null,
      failed,
      rolled_back: rolledBack,
      deploys: outcomes,
      ...short
    },
    time_to_restore: {
      p50_seconds: figure(seconds(percentile(restore, 0.5))),
      restored: restore.length,
      unrestored: sum((t) => t.unrestored),
      ...short
    }
  };
}
function percentile(samples, p) {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}
var seconds = (ms) => ms === null ? null : Math.round(ms / 1e3);

// src/report/collect.ts
var METRICS_DAYS = 30;
var CHART_WEEKS = 12;
var WINDOW_DAYS = 90;
var MAX_ROWS = 500;
var ReportCollector = class {
  constructor(opts) {
    this.opts = opts;
    const now = opts.now;
    this.stats = new DeliveryStatsBuilder({
      since: new Date(now.getTime() - METRICS_DAYS * DAY_MS),
      until: now
    });
    this.weeks = new WeeklyDeploys({ until: now, weeks: CHART_WEEKS });
    this.since = opts.window?.since?.getTime() ?? -Infinity;
    this.until = opts.window?.until?.getTime() ?? Infinity;
    this.max = opts.maxRows ?? MAX_ROWS;
  }
  opts;
  total = 0;
  badges = /* @__PURE__ */ new Map();
  types = /* @__PURE__ */ new Set();
  environments = /* @__PURE__ */ new Set();
  finder = new ExceptionFinder();
  stats;
  weeks;
  rows = [];
  inWindow = 0;
  before = 0;
  after = 0;
  since;
  until;
  max;
  add(e) {
    const p = e.statement.predicate;
    this.total++;
    const status = badgeOf(e.statement).status;
    this.badges.set(status, (this.badges.get(status) ?? 0) + 1);
    this.types.add(p.type);
    if (p.environment) this.environments.add(p.environment);
    this.finder.add(e);
    this.stats.add(e);
    this.weeks.add(e);
    const at = Date.parse(p.timestamp);
    if (at < this.since) this.before++;
    else if (at > this.until) this.after++;
    else {
      this.inWindow++;
      this.rows.push({
        seq: e.seq,
        hash: e.hash,
        statement: e.statement,
        ...e.branch ? { branch: e.branch } : {}
      });
      if (this.rows.length >= 2 * this.max) this.rows = this.newest(this.rows);
    }
  }
  newest(rows) {
    if (rows.length <= this.max) return rows;
    return [...rows].sort(
      (a, b) => a.statement.predicate.timestamp.localeCompare(b.statement.predicate.timestamp) || a.seq - b.seq
    ).slice(-this.max);
  }
  result() {
    const w = this.opts.window;
    return {
      total: this.total,
      badges: this.badges,
      types: [...this.types].sort(),
      environments: [...this.environments].sort(),
      findings: this.finder.result({ now: this.opts.now, reviewWithinMs: this.opts.reviewWithinMs }),
      delivery: { stats: this.stats.result(), weeks: this.weeks.weeks, leads: this.stats.leadTimeSamples() },
      rows: this.newest(this.rows),
      window: {
        ...w?.since ? { since: w.since.toISOString() } : {},
        ...w?.until ? { until: w.until.toISOString() } : {}
      },
      inWindow: this.inWindow,
      before: this.before,
      after: this.after
    };
  }
};
function collectReport(entries, opts) {
  const c = new ReportCollector(opts);
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) c.add(e);
  return c.result();
}

// src/report/html.ts
import { createHash } from "node:crypto";

// src/report/format.ts
function formatTime2(iso2) {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(iso2) ? iso2.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC") : iso2;
}
function plural2(n, one, many) {
  return n === 1 ? one : many;
}
function count(n, one, many = `${one}s`) {
  return `${n} ${plural2(n, one, many)}`;
}

// src/report/markup.ts
var Markup = class {
  constructor(text) {
    this.text = text;
  }
  text;
  toString() {
    return this.text;
  }
};
function escapeHtml(value) {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
var ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
};
function piece(v) {
  if (v === null || v === void 0 || v === false) return "";
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return v.map(piece).join("");
  return escapeHtml(String(v));
}
function markup(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => {
    out += piece(v) + strings[i + 1];
  });
  return new Markup(out);
}
function trusted(text) {
  return new Markup(text);
}

// src/report/change-set.ts
var RELATION = {
  "first-deploy": "first deploy to this environment",
  same: "same commit as the last deploy",
  ahead: "ahead of the last deploy",
  behind: "rollback: behind the last deploy",
  diverged: "diverged from the last deploy"
};
var UNCOVERED = {
  "no-pull-request": "no pull request",
  "unapproved-pull-request": "pull request not approved",
  unknown: "pull request unknown"
};
function changeSetBlock(p) {
  const cs = changeSetOf(p);
  if (!cs) return "";
  if (!cs.readable)
    return markup`<div class="changeset incomplete"><span class="badge tone-warn">change set unreadable</span> ${cs.problem}</div>`;
  const since = cs.base ? markup` since <code title="${cs.base}">${shortSha(cs.base)}</code>` : "";
  const relation = RELATION[cs.relation] ?? cs.relation;
  const removed = cs.removed_commits.count ? markup` · removes ${count(cs.removed_commits.count, "commit")}` : "";
  const incomplete = cs.complete ? "" : markup` <span class="badge tone-warn">incomplete evidence</span> <span class="muted">${cs.truncated[0] ?? "reason not recorded"}</span>`;
  const prs = cs.pull_requests.length ? markup`<ul class="cs-prs">${cs.pull_requests.map(prItem)}</ul>` : "";
  const uncovered = cs.uncovered_commits.length ? markup`<ul class="cs-uncovered">${cs.uncovered_commits.map(
    (c) => markup`<li class="uncovered"><code title="${c.sha}">${shortSha(c.sha)}</code> <span class="message">${c.message}</span> by <b>${c.author}</b> <span class="badge tone-bad">${UNCOVERED[c.reason] ?? c.reason}</span></li>`
  )}</ul>` : "";
  return markup`<div class="changeset"><div class="cs-summary"><b>${count(cs.commits.count, "commit")}</b>${since} <span class="muted">(${relation})</span>${removed}${incomplete}</div>${prs}${uncovered}</div>`;
}
function prItem(pr) {
  const a = pr.approval;
  const tone = a.status === "approved" ? "good" : "bad";
  const approvers = a.approvers.filter((r) => !r.stale).map((r) => r.login);
  return markup`<li class="cs-pr" data-approval="${a.status}"><span class="badge tone-${tone}">${a.status}</span> #${pr.number}${pr.title ? markup` <span class="pr-title">${pr.title}</span>` : ""}${pr.author ? ` by ${pr.author}` : ""} <span class="muted">· approvers: ${approvers.length ? approvers.join(", ") : "none"}${a.changes_requested.length ? ` \xB7 changes requested: ${a.changes_requested.map((r) => r.login).join(", ")}` : ""}</span></li>`;
}

// src/report/charts.ts
var WIDTH = 360;
var HEIGHT = 150;
var LEFT = 26;
var RIGHT = 6;
var TOP = 14;
var BOTTOM = 22;
function barChart(bars, opts) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(2, slot * 0.7);
  const y0 = TOP + plotH;
  const n = (v) => String(Math.round(v * 10) / 10);
  const labelled = (i) => bars.length <= 8 || (bars.length - 1 - i) % 2 === 0;
  const rects = bars.map((b, i) => {
    const h = b.value / max * plotH;
    const x = LEFT + i * slot + (slot - barW) / 2;
    const value = b.value ? markup`<text class="value" x="${n(x + barW / 2)}" y="${n(y0 - h - 3)}" text-anchor="middle">${b.value}</text>` : "";
    return markup`<g><rect class="bar" x="${n(x)}" y="${n(y0 - h)}" width="${n(barW)}" height="${n(h)}"><title>${b.title}</title></rect>${value}${labelled(i) ? markup`<text class="label" x="${n(x + barW / 2)}" y="${n(HEIGHT - 8)}" text-anchor="middle">${b.label}</text>` : ""}</g>`;
  });
  const empty = bars.every((b) => b.value === 0) ? markup`<text class="empty-note" x="${n(LEFT + plotW / 2)}" y="${n(TOP + plotH / 2)}" text-anchor="middle">no data</text>` : "";
  return markup`<svg class="chart tone-${opts.tone ?? "good"}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${opts.label}">
<line class="axis" x1="${LEFT}" y1="${y0}" x2="${WIDTH - RIGHT}" y2="${y0}"></line>
<text class="tick" x="${LEFT - 4}" y="${y0}" text-anchor="end">0</text>
<text class="tick" x="${LEFT - 4}" y="${TOP + 4}" text-anchor="end">${max}</text>
${rects}${empty}
</svg>`;
}

// src/report/delivery.ts
var BUCKETS = [
  { label: "< 1h", below: 1 },
  { label: "1\u20134h", below: 4 },
  { label: "4\u201324h", below: 24 },
  { label: "1\u20133d", below: 72 },
  { label: "3\u20137d", below: 168 },
  { label: "> 7d", below: Infinity }
];
function deliverySection(d) {
  const { stats, weeks, leads } = d;
  const begins = stats.window.ledger_begins ? markup`; the ledger begins ${formatTime2(stats.window.ledger_begins)}, so rates are per ${stats.window.days.toFixed(1)} days` : "";
  return markup`<section class="panel metrics" id="delivery">
<h2>Delivery metrics</h2>
<p class="muted">The last ${METRICS_DAYS} days (${formatTime2(stats.window.since)} to ${formatTime2(stats.window.until)}${begins}), from the ledger alone: what <code>shiplog stats</code> prints.</p>
${figureCards(stats.overall)}
${environmentTable(stats)}
<div class="charts">
<figure class="chart-box"><figcaption>Successful deploys per week, last ${CHART_WEEKS} weeks</figcaption>${barChart(weekBars(weeks), { label: `Successful deploys per week over the last ${CHART_WEEKS} weeks` })}</figure>
<figure class="chart-box"><figcaption>Lead time for changes, last ${METRICS_DAYS} days (${count(leads.length, "pull request")})</figcaption>${barChart(leadBars(leads), { label: "Lead time distribution", tone: "neutral" })}</figure>
</div>
</section>`;
}
function figureCards(f) {
  const df = f.deployment_frequency;
  const lt = f.lead_time;
  const cfr = f.change_failure_rate;
  const ttr = f.time_to_restore;
  const cards = [
    [
      "Deployment frequency",
      df.per_week === null ? "no data" : `${df.per_week.toFixed(2)} / week`,
      `${count(df.deploys, "successful deploy")}${df.per_day === null ? "" : `, ${df.per_day.toFixed(2)} per day`}`
    ],
    [
      "Lead time for changes",
      lt.p50_seconds === null ? "no data" : `p50 ${seconds2(lt.p50_seconds)}`,
      `${lt.p90_seconds === null ? "" : `p90 ${seconds2(lt.p90_seconds)}; `}${count(lt.pull_requests, "pull request")} in ${count(lt.deploys, "deploy")}${lt.deploys_without_change_set ? `; ${count(lt.deploys_without_change_set, "deploy")} without a change set` : ""}`
    ],
    [
      "Change failure rate",
      cfr.rate === null ? "no data" : `${(cfr.rate * 100).toFixed(1)}%`,
      `${cfr.failed + cfr.rolled_back} of ${count(cfr.deploys, "deploy")}: ${cfr.failed} failed, ${cfr.rolled_back} rolled back`
    ],
    [
      "Time to restore",
      ttr.p50_seconds === null ? "no data" : `p50 ${seconds2(ttr.p50_seconds)}`,
      `${count(ttr.restored, "restore")}${ttr.unrestored ? `; ${ttr.unrestored} not restored yet` : ""}`
    ]
  ];
  return markup`<div class="figures">${cards.map(
    ([name, value, basis]) => markup`<div class="figure"><div class="figure-name">${name}</div><div class="figure-value${value === "no data" ? " muted" : ""}">${value}</div><div class="figure-basis muted">${basis}</div></div>`
  )}</div>`;
}
function environmentTable(stats) {
  if (stats.environments.length === 0)
    return markup`<p class="empty">No deploys in the last ${METRICS_DAYS} days.</p>`;
  const rate = (r) => r === null ? "-" : `${(r * 100).toFixed(1)}%`;
  const dur = (s) => s === null ? "-" : seconds2(s);
  return markup`<table class="metrics-table"><thead><tr><th>environment</th><th>deploys / week</th><th>lead time p50</th><th>lead time p90</th><th>change failure rate</th><th>time to restore p50</th></tr></thead><tbody>${stats.environments.map(
    (e) => markup`<tr data-env="${e.environment}"><td>${e.environment}</td><td>${e.deployment_frequency.per_week?.toFixed(2) ?? "-"} <span class="muted">(${e.deployment_frequency.deploys})</span></td><td>${dur(e.lead_time.p50_seconds)}</td><td>${dur(e.lead_time.p90_seconds)} <span class="muted">(${count(e.lead_time.pull_requests, "PR")})</span></td><td>${rate(e.change_failure_rate.rate)} <span class="muted">(${e.change_failure_rate.failed + e.change_failure_rate.rolled_back} of ${e.change_failure_rate.deploys})</span></td><td>${dur(e.time_to_restore.p50_seconds)} <span class="muted">(${e.time_to_restore.restored})</span></td></tr>`
  )}</tbody></table>`;
}
function weekBars(weeks) {
  return weeks.map((w) => ({
    label: w.start.slice(5, 10),
    value: w.deploys,
    title: `week from ${w.start.slice(0, 10)}: ${count(w.deploys, "successful deploy")}`
  }));
}
function leadBars(samples) {
  const counts = BUCKETS.map(() => 0);
  for (const s of samples) counts[BUCKETS.findIndex((b) => s < b.below * (HOUR_MS / 1e3))]++;
  return BUCKETS.map((b, i) => ({
    label: b.label,
    value: counts[i],
    title: `${b.label}: ${count(counts[i], "pull request")}`
  }));
}
var seconds2 = (s) => formatDuration(s * 1e3);

// src/report/exceptions.ts
var TONE = {
  "uncovered-commits": "bad",
  "unapproved-pr": "bad",
  "direct-push-deploy": "warn",
  "incomplete-evidence": "warn",
  "approval-not-collected": "warn",
  "override-not-reviewed": "bad",
  "override-reviewed-late": "warn",
  "unrecorded-deploy": "bad"
};
var MAX_SHOWN = 500;
function exceptionsSection(findings, opts) {
  const list = findings.exceptions;
  if (!opts.verified) {
    return markup`<section class="panel exceptions unverified" id="exceptions">
<h2>Exceptions: not established<span class="muted" id="exceptions-shown"></span></h2>
<p class="caveat">The ledger did not verify, so its exceptions cannot be listed: an entry that fails verification may hide one or invent one. Fix the ledger (see the problems above), then run the report again.</p>
</section>`;
  }
  const title = list.length ? `${count(list.length, "exception")}` : (
    // Says what was looked for: a deploy recorded without evidence is not thereby approved.
    `No exceptions: no uncovered commits, unapproved pull requests, direct pushes, incomplete change sets or deploys without approval evidence or actor, and no override unreviewed after ${formatWindow(opts.reviewWithinMs)}`
  );
  const shown = list.length > MAX_SHOWN ? list.slice(-MAX_SHOWN) : list;
  const capped = shown.length < list.length ? markup`<p class="caveat">The newest ${MAX_SHOWN} of ${list.length} exceptions are listed; <code>shiplog audit --csv FILE</code> writes every one.</p>` : "";
  const table2 = list.length ? markup`${capped}<table class="exceptions"><thead><tr><th>when</th><th>seq</th><th>kind</th><th>environment</th><th>commit</th><th>why</th></tr></thead><tbody>${shown.map(row)}</tbody></table>` : "";
  const awaiting2 = findings.awaitingReview.length ? markup`<ul class="awaiting">${findings.awaitingReview.map(
    (a) => markup`<li data-env="${a.environment ?? ""}">Override${a.by ? ` by ${a.by}` : ""} (seq ${a.seq}${a.pull_request ? `, pull request #${a.pull_request}` : ""}) awaits review until ${formatTime2(a.due)}.</li>`
  )}</ul>` : "";
  return markup`<section class="panel exceptions ${list.length ? "found" : "none"}" id="exceptions">
<h2>${title}<span class="muted" id="exceptions-shown"></span></h2>
${table2}${awaiting2}
</section>`;
}
function row(x) {
  const shard = x.shard ? markup`<span class="muted"> ${x.shard}</span>` : "";
  return markup`<tr class="exception" data-env="${x.environment ?? ""}" data-kind="${x.kind}"><td><time datetime="${x.timestamp}">${formatTime2(x.timestamp)}</time></td><td>#${x.seq}${shard}</td><td><span class="badge tone-${TONE[x.kind]}">${x.kind.replace(/-/g, " ")}</span></td><td>${x.environment ?? "-"}</td><td><code title="${x.commit}">${x.commit.slice(0, 12)}</code></td><td class="why">${x.why}</td></tr>`;
}

// src/report/page-script.ts
var PAGE_SCRIPT = `
(function () {
  'use strict';
  var envSelect = document.getElementById('filter-env');
  var typeSelect = document.getElementById('filter-type');
  var rows = Array.prototype.slice.call(document.querySelectorAll('li.change'));
  var exceptionRows = Array.prototype.slice.call(document.querySelectorAll('tr.exception, ul.awaiting li'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.env'));
  var noMatch = document.getElementById('no-match');
  var note = document.getElementById('filter-note');

  function choose(select, value) {
    if (!value) return;
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    if (!known) {
      var option = document.createElement('option');
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    }
    select.value = value;
  }

  function apply() {
    var env = envSelect.value;
    var type = typeSelect.value;
    rows.forEach(function (row) {
      row.hidden = (env !== '' && row.getAttribute('data-env') !== env) ||
        (type !== '' && row.getAttribute('data-type') !== type);
    });
    // Exceptions follow the environment filter (an override has none: it shows only unfiltered).
    var exceptionsShown = 0;
    exceptionRows.forEach(function (row) {
      row.hidden = env !== '' && row.getAttribute('data-env') !== env;
      if (!row.hidden && row.tagName === 'TR') exceptionsShown++;
    });
    var shownNote = document.getElementById('exceptions-shown');
    if (shownNote) shownNote.textContent = env ? ' (' + exceptionsShown + ' in environment ' + env + ')' : '';
    var shown = 0;
    sections.forEach(function (section) {
      var visible = section.querySelectorAll('li.change:not([hidden])').length;
      section.hidden = visible === 0;
      section.querySelector('.count').textContent = visible + (visible === 1 ? ' change' : ' changes');
      shown += visible;
    });
    noMatch.hidden = shown !== 0;
    var parts = [];
    if (env) parts.push('environment ' + env);
    if (type) parts.push('type ' + type);
    note.textContent = parts.length ? 'Filtered: ' + parts.join(', ') + ' (' + shown + ' of ' + rows.length + ' changes)' : '';
  }

  function remember() {
    var params = new URLSearchParams(window.location.search);
    if (envSelect.value) params.set('env', envSelect.value); else params.delete('env');
    if (typeSelect.value) params.set('type', typeSelect.value); else params.delete('type');
    var query = params.toString();
    try {
      window.history.replaceState(null, '', query ? '?' + query : window.location.pathname);
    } catch (e) {
      // Some browsers refuse history changes on file: pages; the filter still applies.
    }
  }

  var query = new URLSearchParams(window.location.search);
  choose(envSelect, query.get('env'));
  choose(typeSelect, query.get('type'));
  [envSelect, typeSelect].forEach(function (select) {
    select.addEventListener('change', function () { apply(); remember(); });
  });
  document.getElementById('filter-reset').addEventListener('click', function () {
    envSelect.value = '';
    typeSelect.value = '';
    apply();
    remember();
  });
  apply();
})();
`;

// src/report/page-style.ts
var PAGE_STYLE = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
  --good: #1a7f37; --good-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9;
  --warn: #9a6700; --warn-bg: #fff8c5; --neutral: #59636e; --neutral-bg: #eff2f5;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; }
.muted { color: var(--muted); }
.meta { margin: 0 0 16px; color: var(--muted); overflow-wrap: anywhere; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; background: var(--panel); }
.verify.ok { border-color: var(--good); background: var(--good-bg); }
.verify.failed { border-color: var(--bad); background: var(--bad-bg); }
.verify h2 { margin-bottom: 6px; }
.verify.ok h2 { color: var(--good); }
.verify.failed h2 { color: var(--bad); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
table.problems { border-collapse: collapse; width: 100%; margin-top: 8px; background: var(--bg); }
table.problems th, table.problems td { text-align: left; border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 16px; align-items: center; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 0 0 16px; }
.filters label { display: flex; gap: 6px; align-items: center; font-weight: 600; }
.filters select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.filter-note { display: none; }
section.env { margin: 0 0 24px; }
section.env > header { display: flex; gap: 10px; align-items: baseline; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-bottom: 8px; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 18px; border-left: 2px solid var(--line); }
li.change { position: relative; display: grid; grid-template-columns: 190px 1fr auto; gap: 2px 16px;
  padding: 8px 10px; margin: 0 0 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
li.change::before { content: ""; position: absolute; left: -26px; top: 14px; width: 12px; height: 12px;
  border-radius: 50%; background: var(--neutral); border: 2px solid var(--bg); }
li.change.tone-good::before { background: var(--good); }
li.change.tone-bad::before { background: var(--bad); }
li.change.tone-warn::before { background: var(--warn); }
.when { color: var(--muted); }
.when .seq { display: block; font-size: 12px; }
.what { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; min-width: 0; }
.what .type { font-weight: 700; }
.what .version { color: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; }
.who { grid-column: 2 / 3; color: var(--muted); overflow-wrap: anywhere; }
.who b { color: var(--fg); font-weight: 600; }
.badges { grid-column: 3; grid-row: 1 / 3; display: flex; flex-direction: column; gap: 4px; align-items: flex-end; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap;
  border: 1px solid currentColor; }
.tone-good .badge.approval, .badge.tone-good { color: var(--good); background: var(--good-bg); }
.badge.tone-bad { color: var(--bad); background: var(--bad-bg); }
.badge.tone-warn { color: var(--warn); background: var(--warn-bg); }
.badge.tone-neutral { color: var(--neutral); background: var(--neutral-bg); }
details { grid-column: 1 / 4; }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; width: max-content; }
details .proof { font-size: 12px; margin: 6px 0; overflow-wrap: anywhere; }
details pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px;
  overflow: auto; max-height: 420px; margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.empty { padding: 12px; color: var(--muted); }
.exceptions.none { border-color: var(--good); background: var(--good-bg); }
.exceptions.none h2 { color: var(--good); }
.exceptions.found { border-color: var(--bad); }
.exceptions.found h2 { color: var(--bad); }
table.exceptions, table.metrics-table { border-collapse: collapse; width: 100%; margin-top: 8px; background: var(--bg); }
table.exceptions th, table.exceptions td, table.metrics-table th, table.metrics-table td { text-align: left;
  border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
table.exceptions td.why { overflow-wrap: anywhere; }
.caveat { color: var(--bad); font-weight: 600; margin: 6px 0; }
.window-note { color: var(--muted); background: var(--panel); border-left: 3px solid var(--line);
  padding: 8px 12px; margin: 0 0 14px; border-radius: 4px; }
.problems tr.problem-group th { text-align: left; background: var(--bad-bg); color: var(--bad); }
.problems tr.more td { color: var(--muted); font-style: italic; }
.awaiting { margin: 8px 0 0; padding-left: 18px; color: var(--warn); }
.metrics > p { margin: 4px 0 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 8px; margin: 8px 0 0; }
.figure { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.figure-name { font-size: 12px; color: var(--muted); font-weight: 600; }
.figure-value { font-size: 20px; font-weight: 700; }
.figure-basis { font-size: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 12px; }
.chart-box { margin: 0; flex: 1 1 320px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.chart-box figcaption { font-size: 12px; color: var(--muted); font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; max-width: 520px; height: auto; }
svg.chart .bar { fill: var(--good); }
svg.chart.tone-neutral .bar { fill: var(--neutral); }
svg.chart .axis { stroke: var(--line); }
svg.chart text { font-size: 9px; fill: var(--muted); }
svg.chart .value { fill: var(--fg); font-weight: 600; }
svg.chart .empty-note { font-size: 12px; }
table.exceptions td:first-child { white-space: nowrap; }
.changeset { grid-column: 2 / 4; border-left: 3px solid var(--line); padding: 2px 0 2px 8px; font-size: 13px; min-width: 0; }
.changeset ul { list-style: none; margin: 2px 0 0; padding: 0; }
.changeset li { margin: 2px 0; overflow-wrap: anywhere; }
.changeset li.uncovered { background: var(--bad-bg); border-radius: 4px; padding: 1px 6px; }
.changeset .badge { font-size: 11px; padding: 0 6px; }
@media print {
  :root { --panel: #ffffff; }
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  .filters, details, .no-print { display: none !important; }
  .filter-note:not(:empty) { display: block; margin: 0 0 12px; font-style: italic; }
  section.env > header { break-after: avoid; }
  li.change, .panel, table.problems tr { break-inside: avoid; }
  table.exceptions tr, .figures, .chart-box, .changeset { break-inside: avoid; }
  .panel.exceptions, .panel.metrics { break-inside: auto; }
  li.change::before { display: none; }
  ol.timeline { border-left: 0; padding-left: 0; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;

// src/report/html.ts
var NO_ENVIRONMENT = "no environment";
function renderReportHtml(input) {
  const reviewWithinMs = input.reviewWithinMs ?? DEFAULT_REVIEW_WITHIN_MS;
  const c = input.collected ?? collectReport(input.entries ?? [], { now: input.generatedAt, reviewWithinMs });
  const rows = toRows(c.rows);
  const environments = groupByEnvironment(rows);
  const envOptions = c.environments;
  const types = c.types;
  const remote = displayRemote(input.verify.remote);
  const damaged = damagedSeqs(input.verify);
  const page = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>shiplog report: ${remote}</title>
<style>${trusted(PAGE_STYLE)}</style>
</head>
<body>
<main>
<h1>shiplog report</h1>
<p class="meta">Ledger <code>${remote}</code>, branch <code>${input.verify.branch}</code> at <code>${input.verify.tip}</code> · generated ${formatTime2(input.generatedAt.toISOString())}</p>
${verificationPanel(input)}
${exceptionsSection(c.findings, { verified: input.verify.ok, reviewWithinMs })}
${input.verify.ok ? deliverySection(c.delivery) : unverifiedDelivery()}
${summary(c)}
${windowNote(c)}
<div class="filters" role="search">
<label for="filter-env">Environment <select id="filter-env"><option value="">all</option>${envOptions.map(option)}</select></label>
<label for="filter-type">Type <select id="filter-type"><option value="">all</option>${types.map(option)}</select></label>
<button type="button" id="filter-reset">Show all</button>
</div>
<p class="filter-note" id="filter-note"></p>
${[...environments].map(([env, list]) => environmentSection(env, list, damaged, { remote, branch: input.verify.branch }))}
<p class="empty" id="no-match" hidden>No changes match the filters.</p>
${c.total === 0 ? markup`<p class="empty">The ledger has no entries.</p>` : rows.length === 0 ? markup`<p class="empty">No entries in this window.</p>` : ""}
</main>
<script>${trusted(PAGE_SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
function contentSecurityPolicy() {
  const hash = (s) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;
  return [
    "default-src 'none'",
    `style-src ${hash(PAGE_STYLE)}`,
    `script-src ${hash(PAGE_SCRIPT)}`,
    "base-uri 'none'",
    "form-action 'none'"
  ].join("; ");
}
var option = (value) => markup`<option value="${value}">${value}</option>`;
function verificationPanel(input) {
  const v = input.verify;
  const cp = v.checkpoint;
  const entries = `${v.entries} ${plural2(v.entries, "entry", "entries")}`;
  const title = v.ok ? `Verified: ${entries}, chain intact, every signature by a trusted key` : `Verification FAILED: ${v.problems.length} ${plural2(v.problems.length, "problem", "problems")} in ${entries}`;
  const problems = v.ok ? "" : problemTable(v.problems);
  const checkpoint = cp ? markup`origin <code>${cp.origin}</code>, size ${cp.size}, root <code>${cp.root}</code>` : "none";
  const keys = v.keys.length ? v.keys.map((k, i) => markup`${i ? ", " : ""}<code>${k}</code>`) : "none";
  const note = input.checkpointText ? markup`<details><summary>Signed checkpoint note</summary><pre>${input.checkpointText}</pre></details>` : "";
  return markup`<section class="panel verify ${v.ok ? "ok" : "failed"}" id="verification">
<h2>${title}</h2>
${problems}
<dl class="facts">
<dt>Head</dt><dd><code>${v.head ?? "none"}</code></dd>
<dt>Checkpoint</dt><dd>${checkpoint}</dd>
<dt>Signing keys</dt><dd>${keys}</dd>
</dl>
${note}
</section>`;
}
function summary(c) {
  const badges = BADGE_ORDER.filter((s) => c.badges.has(s)).map((s) => {
    const b = badgeFor(s);
    return markup`<span class="badge tone-${b.tone}">${number(c.badges.get(s))} ${b.label}</span>`;
  });
  return markup`<div class="summary" id="summary"><b>${number(c.total)} ${plural2(c.total, "change", "changes")}</b>${badges}</div>`;
}
function windowNote(c) {
  const { since, until } = c.window;
  const outside = c.before + c.after;
  const capped = c.rows.length < c.inWindow;
  if (!since && !until && !capped) return "";
  const span = since && until ? `from ${formatTime2(since)} to ${formatTime2(until)}` : since ? `since ${formatTime2(since)}` : `until ${formatTime2(until)}`;
  const shown = capped ? `the newest ${number(c.rows.length)} of the ${number(c.inWindow)} entries ${since || until ? span : ""}` : `${number(c.inWindow)} ${plural2(c.inWindow, "entry", "entries")} ${span}`;
  const rest = outside ? `; ${number(outside)} ${plural2(outside, "entry is", "entries are")} outside this window (${number(c.before)} before, ${number(c.after)} after)` : "";
  return markup`<p class="window-note" id="window-note">The timeline shows ${shown}${rest}. The summary, exceptions and metrics above cover the whole ledger; the CSV beside this report holds every entry.</p>`;
}
var number = (n) => n.toLocaleString("en-US");
function problemTable(problems) {
  const row2 = (p) => markup`<tr><td>${p.check}</td><td>${p.seq ?? "-"}</td><td><code>${p.commit ?? "-"}</code></td><td><code>${p.file ?? "-"}</code></td><td>${p.message}</td></tr>`;
  const groups = groupProblems(problems, GROUP_SHOWN);
  const body = groups.every((g) => g.count <= GROUP_SHOWN) ? problems.map(row2) : groups.map(
    (g) => g.count === 1 ? row2(g.first[0]) : markup`<tr class="problem-group"><th colspan="5">${g.summary}</th></tr>${g.first.map(row2)}${g.count > g.first.length ? markup`<tr class="more"><td colspan="5">… and ${number(g.count - g.first.length)} more like these (<code>shiplog verify --json</code> lists every one)</td></tr>` : ""}`
  );
  return markup`<table class="problems"><thead><tr><th>check</th><th>seq</th><th>ledger commit</th><th>file</th><th>problem</th></tr></thead><tbody>${body}</tbody></table>`;
}
var GROUP_SHOWN = 5;
function groupByEnvironment(rows) {
  const groups = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const key = r.environment ?? NO_ENVIRONMENT;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const names = [...groups.keys()].sort(
    (a, b) => a === NO_ENVIRONMENT ? 1 : b === NO_ENVIRONMENT ? -1 : a.localeCompare(b)
  );
  return new Map(names.map((n) => [n, groups.get(n)]));
}
function damagedSeqs(v) {
  if (v.ok) return { all: false, seqs: /* @__PURE__ */ new Set() };
  const seqs = new Set(v.problems.flatMap((p) => p.seq === void 0 ? [] : [p.seq]));
  return { all: v.problems.some((p) => p.seq === void 0), seqs };
}
function unverifiedDelivery() {
  return markup`<section class="panel delivery unverified" id="delivery">
<h2>Delivery metrics: not computed</h2>
<p class="caveat">The ledger did not verify, so no figure computed from it can be relied on.</p>
</section>`;
}
function environmentSection(env, rows, damaged, ledger) {
  return markup`<section class="env" data-env="${env}">
<header><h2>${env}</h2><span class="count muted">${rows.length} ${plural2(rows.length, "change", "changes")}</span></header>
<ol class="timeline">
${rows.map((r) => changeItem(r, damaged.all || damaged.seqs.has(r.seq), ledger))}
</ol>
</section>
`;
}
function changeItem(r, unverified, ledger) {
  const prove = `shiplog prove ${r.seq} --remote ${ledger.remote} --ledger-branch ${r.shard ?? ledger.branch}`;
  const version = r.version ? markup`<span class="version">${r.version}</span>` : "";
  const branch = r.branch ? markup`<span class="branch muted">from <code>${r.branch}</code></span>` : "";
  const deployStatus = r.deployStatus && r.deployStatus !== "success" ? markup`<span class="badge deploy-status tone-${r.deployStatus === "started" ? "neutral" : "bad"}">${r.deployStatus}</span>` : "";
  const approvers = r.approvers.length ? r.approvers.join(", ") : "none";
  const stale = r.staleApprovers.length ? markup` <span class="stale">(stale: ${r.staleApprovers.join(", ")})</span>` : "";
  const pr = r.pullRequest;
  const prText = pr ? markup` · PR${pr.number !== void 0 ? ` #${pr.number}` : ""}${pr.title ? markup` <span class="pr-title">${pr.title}</span>` : ""}` : "";
  const statement = JSON.stringify({ hash: r.hash, statement: r.statement }, null, 2);
  const mark = unverified ? markup`<span class="badge unverified tone-bad">${"not verified"}</span>` : "";
  return markup`<li class="change tone-${r.badge.tone}${unverified ? " unverified" : ""}" id="seq-${r.seq}" data-seq="${r.seq}" data-env="${r.environment ?? ""}" data-type="${r.type}" data-approval="${r.badge.status}">
<div class="when"><time datetime="${r.timestamp}">${formatTime2(r.timestamp)}</time><span class="seq">#${r.seq}</span></div>
<div class="what"><span class="type">${r.type}</span><code class="commit" title="${r.commit}">${r.commit.slice(0, 12)}</code><span class="repo">${r.repository}</span>${version}${branch}</div>
<div class="badges">${mark}<span class="badge approval tone-${r.badge.tone}">${r.badge.label}</span>${deployStatus}</div>
<div class="who">by <b class="actor">${r.actor ?? "unknown"}</b> · approvers: <b class="approvers">${approvers}</b>${stale}${prText}</div>
${r.type === "deploy" ? changeSetBlock(r.statement.predicate) : ""}
<details><summary>Details</summary><p class="proof">Inclusion proof: <code>${prove}</code> (then <code>shiplog verify-proof FILE --trusted-key KEY</code>)</p><pre>${statement}</pre></details>
</li>
`;
}
function displayRemote(remote) {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

// src/cli/commands/report.ts
function registerReportCommand(program2) {
  addShardsOption(
    addLocationOptions(
      program2.command("report").description(
        "write a self-contained HTML report for auditors: summary, exceptions and metrics of the whole ledger, the timeline of a window (and optionally a CSV of every entry)"
      ).option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).requiredOption("--out <file>", "where to write the HTML report").option("--csv <file>", "also write one CSV row per entry (the whole ledger)").option(
        "--since <date-or-duration>",
        `start of the timeline: 2026-03-01, or back from now: 30d (default: ${WINDOW_DAYS}d)`
      ).option("--until <date-or-duration>", "end of the timeline (default: now)").option(
        "--jobs <n>",
        "worker threads for signature checks (default: all cores)",
        positiveInt("--jobs")
      ).addOption(quietOption()).addOption(jsonOption())
    )
  ).action(async (o) => {
    const now = /* @__PURE__ */ new Date();
    const since = o.since === void 0 ? new Date(now.getTime() - WINDOW_DAYS * DAY_MS) : parsePointInTime(o.since, "--since", now);
    const until = o.until === void 0 ? now : parsePointInTime(o.until, "--until", now);
    if (since >= until) throw new ShiplogError("USAGE", "--since must be before --until (default: now)");
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const locations = o.allShards ? await forEachLedger(o, {}, async (location) => location) : [await readLocation(o)];
    const out = resolve4(o.out);
    const csv = o.csv ? resolve4(o.csv) : void 0;
    const collector = new ReportCollector({
      now,
      reviewWithinMs: DEFAULT_REVIEW_WITHIN_MS,
      window: { since, until }
    });
    const rows = csv ? Spool.temporary("report-csv") : void 0;
    const progress = startProgress({ label: "verifying", quiet: o.quiet, json: o.json });
    try {
      const data = await readVerified({
        locations,
        trusted: trusted2,
        jobs: o.jobs ?? defaultJobs(),
        onEntry: (e) => {
          collector.add(e);
          rows?.write(JSON.stringify([e.seq, csvRowStart(e)]) + "\n");
        },
        onProgress: (done, total) => progress.update(done, total)
      });
      progress.finish();
      const collected = collector.result();
      writeAtomically(out, renderReportHtml({ ...data, collected, generatedAt: now }));
      if (csv) await writeCsv(rows, csv, damagedSeqs(data.verify));
      const v = data.verify;
      if (o.json) {
        printJson({
          ok: v.ok,
          entries: collected.total,
          problems: v.problems.length,
          html: out,
          csv,
          window: { since: since.toISOString(), until: until.toISOString(), entries: collected.inWindow }
        });
      } else {
        process.stdout.write(
          v.ok ? colour.green(`ledger valid: ${v.entries} entries`) + "\n" : colour.red(`ledger INVALID: ${v.problems.length} problem(s); the report lists them`) + "\n"
        );
        process.stdout.write(`report ${out}
`);
        if (csv) process.stdout.write(`csv    ${csv}
`);
      }
      if (!v.ok) process.exitCode = 1;
    } finally {
      progress.finish();
      rows?.remove();
    }
  });
}
async function writeCsv(rows, csv, damaged) {
  const out = Spool.beside(csv);
  try {
    out.write(csvHeaderLine());
    for await (const line of rows.lines()) {
      const [seq, row2] = JSON.parse(line);
      out.write(`${row2},${damaged.all || damaged.seqs.has(seq) ? "no" : "yes"}\r
`);
    }
    out.commitTo(csv);
  } finally {
    out.remove();
  }
}

// src/cli/commands/stats.ts
function registerStatsCommand(program2) {
  addShardsOption(
    addLocationOptions(
      program2.command("stats").description(
        "the four DORA figures from the ledger: deployment frequency, lead time, change failure rate, time to restore"
      ).option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).option("--environment <name>", "only this environment").option("--since <date-or-duration>", "start of the window: 2026-03-01, or back from now: 30d", "30d").option("--until <date-or-duration>", "end of the window (default: now)").addOption(jobsOption()).addOption(quietOption()).addOption(jsonOption())
    )
  ).action(async (o) => {
    const now = /* @__PURE__ */ new Date();
    const since = parsePointInTime(o.since, "--since", now);
    const until = o.until === void 0 ? now : parsePointInTime(o.until, "--until", now);
    if (since >= until) throw new ShiplogError("USAGE", "--since must be before --until (default: now)");
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const figures2 = new DeliveryStatsBuilder({ since, until, environment: o.environment });
    const environments = /* @__PURE__ */ new Set();
    const data = await readVerifiedLedger(o, trusted2, "no figures", (e) => {
      figures2.add(e);
      environments.add(e.statement.predicate.environment);
    });
    if (!data) return;
    checkEnvironmentKnown(o.environment, environments);
    const stats = figures2.result();
    if (o.json) printJson({ ok: true, verified: true, entries: data.count, ...stats });
    else process.stdout.write(renderStats(stats));
  });
}

// src/cli/commands/where.ts
function registerWhereCommand(program2) {
  addShardsOption(
    addLocationOptions(
      program2.command("where").description(
        "which environments contain a commit (the deploy in force per environment + git ancestry)"
      ).argument("<commit>", "a commit sha (short is fine) or any rev of the code checkout").option("--repo-dir <dir>", "the code checkout used for ancestry", ".").option("--repo <owner/name>", "only deploys of this repository (its shard, in a central ledger)").addOption(jsonOption())
    ),
    "read every shiplog and shiplog/* branch: the deploy in force per environment of every shard, together"
  ).action(async (rev, o) => {
    const checkout = await openCheckout(o.repoDir);
    const commit = await checkout.resolve(rev);
    const deploys = (await forEachLedger(
      o,
      { repository: o.repo },
      (location) => currentDeploys(location, { repository: o.repo })
    )).flat();
    const answer = await whereIsCommit(commit, sortDeploys(deploys), checkout.isAncestor);
    if (o.json) printJson(answer);
    else process.stdout.write(renderWhere(answer));
  });
}
function renderWhere(a) {
  if (a.environments.length === 0) return `commit ${a.commit}
no deploys recorded in the ledger
`;
  const manyRepos = new Set(a.environments.map((e) => e.repository)).size > 1;
  const rows = table(a.environments, [
    { header: "ENVIRONMENT", value: (e) => e.environment },
    ...manyRepos ? [{ header: "REPOSITORY", value: (e) => e.repository }] : [],
    { header: "CONTAINS", value: containsText },
    { header: "DEPLOYED", value: (e) => e.deployed_commit?.slice(0, 12) ?? "not deployed" },
    { header: "WHEN", value: (e) => e.deployed_at?.replace(/\.\d+Z$/, "Z") ?? "-" },
    { header: "BY", value: (e) => e.deployed_by ?? "-" },
    { header: "APPROVERS", value: approversText },
    { header: "SEQ", value: (e) => e.seq === null ? "-" : String(e.seq) }
  ]);
  const unknown = a.environments.some((e) => e.contains === null) ? "\nunknown: the deployed commit is not in this checkout; fetch it and ask again\n" : "";
  return `commit ${a.commit}
${rows}
${unknown}`;
}
function containsText(e) {
  if (e.deployed_commit === null) return "not deployed";
  if (e.contains === null) return "unknown";
  return e.contains ? "yes" : "no";
}
function approversText(e) {
  if (e.approvers.length) return e.approvers.join(",");
  if (e.approval_status && e.approval_status !== "approved") return `(${e.approval_status})`;
  return "-";
}

// src/cli/main.ts
function buildProgram() {
  const program2 = new Command("shiplog").description("Signed, hash-chained change ledger and approval gates for CI/CD").version("0.1.0").showHelpAfterError().exitOverride().configureHelp({
    optionDescription(option2) {
      const text = Help.prototype.optionDescription.call(this, option2);
      return option2.mandatory ? `${text} (required)` : text;
    }
  });
  registerLedgerCommands(program2);
  registerProofCommands(program2);
  registerPolicyCommands(program2);
  registerWhereCommand(program2);
  registerReportCommand(program2);
  registerAuditCommand(program2);
  registerStatsCommand(program2);
  registerExportCommands(program2);
  registerReconcileCommand(program2);
  registerAppCommands(program2);
  registerWitnessCommands(program2);
  return program2;
}
async function main(argv) {
  const program2 = buildProgram();
  process.exitCode = 0;
  try {
    await program2.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isShiplogError(e)) {
      process.stderr.write(`shiplog: error[${e.code}]: ${inert(e.message, "\n")}
`);
      return e.exitCode;
    }
    process.stderr.write(`shiplog: unexpected error: ${inert(errorMessage(e), "\n")}
`);
    if (process.env.SHIPLOG_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}
`);
    return 1;
  }
}
function invokedDirectly() {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath2(import.meta.url));
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
export {
  buildProgram,
  main
};
