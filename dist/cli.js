#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  ShiplogError,
  __commonJS,
  __require,
  __toESM,
  errorMessage,
  isShiplogError,
  table
} from "./cli-chunks/chunk-7MLMRGXY.js";

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
      combineFlagAndOptionalValue(combine = true) {
        this._combineFlagAndOptionalValue = !!combine;
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
            (cmd) => cmd.options.map((opt) => opt.short).some((short2) => /^-\d$/.test(short2))
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

// node_modules/canonicalize/lib/canonicalize.js
var require_canonicalize = __commonJS({
  "node_modules/canonicalize/lib/canonicalize.js"(exports, module) {
    "use strict";
    module.exports = function serialize(object) {
      if (typeof object === "number" && isNaN(object)) {
        throw new Error("NaN is not allowed");
      }
      if (typeof object === "number" && !isFinite(object)) {
        throw new Error("Infinity is not allowed");
      }
      if (object === null || typeof object !== "object") {
        return JSON.stringify(object);
      }
      if (object.toJSON instanceof Function) {
        return serialize(object.toJSON());
      }
      if (Array.isArray(object)) {
        const values2 = object.reduce((t, cv, ci) => {
          const comma = ci === 0 ? "" : ",";
          const value = cv === void 0 || typeof cv === "symbol" ? null : cv;
          return `${t}${comma}${serialize(value)}`;
        }, "");
        return `[${values2}]`;
      }
      const values = Object.keys(object).sort().reduce((t, cv) => {
        if (object[cv] === void 0 || typeof object[cv] === "symbol") {
          return t;
        }
        const comma = t.length === 0 ? "" : ",";
        return `${t}${comma}${serialize(cv)}:${serialize(object[cv])}`;
      }, "");
      return `{${values}}`;
    };
  }
});

// node_modules/graceful-fs/polyfills.js
var require_polyfills = __commonJS({
  "node_modules/graceful-fs/polyfills.js"(exports, module) {
    var constants = __require("constants");
    var origCwd = process.cwd;
    var cwd = null;
    var platform = process.env.GRACEFUL_FS_PLATFORM || process.platform;
    process.cwd = function() {
      if (!cwd)
        cwd = origCwd.call(process);
      return cwd;
    };
    try {
      process.cwd();
    } catch (er) {
    }
    if (typeof process.chdir === "function") {
      chdir = process.chdir;
      process.chdir = function(d) {
        cwd = null;
        chdir.call(process, d);
      };
      if (Object.setPrototypeOf) Object.setPrototypeOf(process.chdir, chdir);
    }
    var chdir;
    module.exports = patch;
    function patch(fs) {
      if (constants.hasOwnProperty("O_SYMLINK") && process.version.match(/^v0\.6\.[0-2]|^v0\.5\./)) {
        patchLchmod(fs);
      }
      if (!fs.lutimes) {
        patchLutimes(fs);
      }
      fs.chown = chownFix(fs.chown);
      fs.fchown = chownFix(fs.fchown);
      fs.lchown = chownFix(fs.lchown);
      fs.chmod = chmodFix(fs.chmod);
      fs.fchmod = chmodFix(fs.fchmod);
      fs.lchmod = chmodFix(fs.lchmod);
      fs.chownSync = chownFixSync(fs.chownSync);
      fs.fchownSync = chownFixSync(fs.fchownSync);
      fs.lchownSync = chownFixSync(fs.lchownSync);
      fs.chmodSync = chmodFixSync(fs.chmodSync);
      fs.fchmodSync = chmodFixSync(fs.fchmodSync);
      fs.lchmodSync = chmodFixSync(fs.lchmodSync);
      fs.stat = statFix(fs.stat);
      fs.fstat = statFix(fs.fstat);
      fs.lstat = statFix(fs.lstat);
      fs.statSync = statFixSync(fs.statSync);
      fs.fstatSync = statFixSync(fs.fstatSync);
      fs.lstatSync = statFixSync(fs.lstatSync);
      if (fs.chmod && !fs.lchmod) {
        fs.lchmod = function(path, mode, cb) {
          if (cb) process.nextTick(cb);
        };
        fs.lchmodSync = function() {
        };
      }
      if (fs.chown && !fs.lchown) {
        fs.lchown = function(path, uid, gid, cb) {
          if (cb) process.nextTick(cb);
        };
        fs.lchownSync = function() {
        };
      }
      if (platform === "win32") {
        fs.rename = typeof fs.rename !== "function" ? fs.rename : (function(fs$rename) {
          function rename(from, to, cb) {
            var start = Date.now();
            var backoff = 0;
            fs$rename(from, to, function CB(er) {
              if (er && (er.code === "EACCES" || er.code === "EPERM" || er.code === "EBUSY") && Date.now() - start < 6e4) {
                setTimeout(function() {
                  fs.stat(to, function(stater, st) {
                    if (stater && stater.code === "ENOENT")
                      fs$rename(from, to, CB);
                    else
                      cb(er);
                  });
                }, backoff);
                if (backoff < 100)
                  backoff += 10;
                return;
              }
              if (cb) cb(er);
            });
          }
          if (Object.setPrototypeOf) Object.setPrototypeOf(rename, fs$rename);
          return rename;
        })(fs.rename);
      }
      fs.read = typeof fs.read !== "function" ? fs.read : (function(fs$read) {
        function read(fd, buffer, offset, length, position, callback_) {
          var callback;
          if (callback_ && typeof callback_ === "function") {
            var eagCounter = 0;
            callback = function(er, _, __) {
              if (er && er.code === "EAGAIN" && eagCounter < 10) {
                eagCounter++;
                return fs$read.call(fs, fd, buffer, offset, length, position, callback);
              }
              callback_.apply(this, arguments);
            };
          }
          return fs$read.call(fs, fd, buffer, offset, length, position, callback);
        }
        if (Object.setPrototypeOf) Object.setPrototypeOf(read, fs$read);
        return read;
      })(fs.read);
      fs.readSync = typeof fs.readSync !== "function" ? fs.readSync : /* @__PURE__ */ (function(fs$readSync) {
        return function(fd, buffer, offset, length, position) {
          var eagCounter = 0;
          while (true) {
            try {
              return fs$readSync.call(fs, fd, buffer, offset, length, position);
            } catch (er) {
              if (er.code === "EAGAIN" && eagCounter < 10) {
                eagCounter++;
                continue;
              }
              throw er;
            }
          }
        };
      })(fs.readSync);
      function patchLchmod(fs2) {
        fs2.lchmod = function(path, mode, callback) {
          fs2.open(
            path,
            constants.O_WRONLY | constants.O_SYMLINK,
            mode,
            function(err, fd) {
              if (err) {
                if (callback) callback(err);
                return;
              }
              fs2.fchmod(fd, mode, function(err2) {
                fs2.close(fd, function(err22) {
                  if (callback) callback(err2 || err22);
                });
              });
            }
          );
        };
        fs2.lchmodSync = function(path, mode) {
          var fd = fs2.openSync(path, constants.O_WRONLY | constants.O_SYMLINK, mode);
          var threw = true;
          var ret;
          try {
            ret = fs2.fchmodSync(fd, mode);
            threw = false;
          } finally {
            if (threw) {
              try {
                fs2.closeSync(fd);
              } catch (er) {
              }
            } else {
              fs2.closeSync(fd);
            }
          }
          return ret;
        };
      }
      function patchLutimes(fs2) {
        if (constants.hasOwnProperty("O_SYMLINK") && fs2.futimes) {
          fs2.lutimes = function(path, at, mt, cb) {
            fs2.open(path, constants.O_SYMLINK, function(er, fd) {
              if (er) {
                if (cb) cb(er);
                return;
              }
              fs2.futimes(fd, at, mt, function(er2) {
                fs2.close(fd, function(er22) {
                  if (cb) cb(er2 || er22);
                });
              });
            });
          };
          fs2.lutimesSync = function(path, at, mt) {
            var fd = fs2.openSync(path, constants.O_SYMLINK);
            var ret;
            var threw = true;
            try {
              ret = fs2.futimesSync(fd, at, mt);
              threw = false;
            } finally {
              if (threw) {
                try {
                  fs2.closeSync(fd);
                } catch (er) {
                }
              } else {
                fs2.closeSync(fd);
              }
            }
            return ret;
          };
        } else if (fs2.futimes) {
          fs2.lutimes = function(_a, _b, _c, cb) {
            if (cb) process.nextTick(cb);
          };
          fs2.lutimesSync = function() {
          };
        }
      }
      function chmodFix(orig) {
        if (!orig) return orig;
        return function(target, mode, cb) {
          return orig.call(fs, target, mode, function(er) {
            if (chownErOk(er)) er = null;
            if (cb) cb.apply(this, arguments);
          });
        };
      }
      function chmodFixSync(orig) {
        if (!orig) return orig;
        return function(target, mode) {
          try {
            return orig.call(fs, target, mode);
          } catch (er) {
            if (!chownErOk(er)) throw er;
          }
        };
      }
      function chownFix(orig) {
        if (!orig) return orig;
        return function(target, uid, gid, cb) {
          return orig.call(fs, target, uid, gid, function(er) {
            if (chownErOk(er)) er = null;
            if (cb) cb.apply(this, arguments);
          });
        };
      }
      function chownFixSync(orig) {
        if (!orig) return orig;
        return function(target, uid, gid) {
          try {
            return orig.call(fs, target, uid, gid);
          } catch (er) {
            if (!chownErOk(er)) throw er;
          }
        };
      }
      function statFix(orig) {
        if (!orig) return orig;
        return function(target, options, cb) {
          if (typeof options === "function") {
            cb = options;
            options = null;
          }
          function callback(er, stats) {
            if (stats) {
              if (stats.uid < 0) stats.uid += 4294967296;
              if (stats.gid < 0) stats.gid += 4294967296;
            }
            if (cb) cb.apply(this, arguments);
          }
          return options ? orig.call(fs, target, options, callback) : orig.call(fs, target, callback);
        };
      }
      function statFixSync(orig) {
        if (!orig) return orig;
        return function(target, options) {
          var stats = options ? orig.call(fs, target, options) : orig.call(fs, target);
          if (stats) {
            if (stats.uid < 0) stats.uid += 4294967296;
            if (stats.gid < 0) stats.gid += 4294967296;
          }
          return stats;
        };
      }
      function chownErOk(er) {
        if (!er)
          return true;
        if (er.code === "ENOSYS")
          return true;
        var nonroot = !process.getuid || process.getuid() !== 0;
        if (nonroot) {
          if (er.code === "EINVAL" || er.code === "EPERM")
            return true;
        }
        return false;
      }
    }
  }
});

// node_modules/graceful-fs/legacy-streams.js
var require_legacy_streams = __commonJS({
  "node_modules/graceful-fs/legacy-streams.js"(exports, module) {
    var Stream = __require("stream").Stream;
    module.exports = legacy;
    function legacy(fs) {
      return {
        ReadStream,
        WriteStream
      };
      function ReadStream(path, options) {
        if (!(this instanceof ReadStream)) return new ReadStream(path, options);
        Stream.call(this);
        var self = this;
        this.path = path;
        this.fd = null;
        this.readable = true;
        this.paused = false;
        this.flags = "r";
        this.mode = 438;
        this.bufferSize = 64 * 1024;
        options = options || {};
        var keys = Object.keys(options);
        for (var index = 0, length = keys.length; index < length; index++) {
          var key = keys[index];
          this[key] = options[key];
        }
        if (this.encoding) this.setEncoding(this.encoding);
        if (this.start !== void 0) {
          if ("number" !== typeof this.start) {
            throw TypeError("start must be a Number");
          }
          if (this.end === void 0) {
            this.end = Infinity;
          } else if ("number" !== typeof this.end) {
            throw TypeError("end must be a Number");
          }
          if (this.start > this.end) {
            throw new Error("start must be <= end");
          }
          this.pos = this.start;
        }
        if (this.fd !== null) {
          process.nextTick(function() {
            self._read();
          });
          return;
        }
        fs.open(this.path, this.flags, this.mode, function(err, fd) {
          if (err) {
            self.emit("error", err);
            self.readable = false;
            return;
          }
          self.fd = fd;
          self.emit("open", fd);
          self._read();
        });
      }
      function WriteStream(path, options) {
        if (!(this instanceof WriteStream)) return new WriteStream(path, options);
        Stream.call(this);
        this.path = path;
        this.fd = null;
        this.writable = true;
        this.flags = "w";
        this.encoding = "binary";
        this.mode = 438;
        this.bytesWritten = 0;
        options = options || {};
        var keys = Object.keys(options);
        for (var index = 0, length = keys.length; index < length; index++) {
          var key = keys[index];
          this[key] = options[key];
        }
        if (this.start !== void 0) {
          if ("number" !== typeof this.start) {
            throw TypeError("start must be a Number");
          }
          if (this.start < 0) {
            throw new Error("start must be >= zero");
          }
          this.pos = this.start;
        }
        this.busy = false;
        this._queue = [];
        if (this.fd === null) {
          this._open = fs.open;
          this._queue.push([this._open, this.path, this.flags, this.mode, void 0]);
          this.flush();
        }
      }
    }
  }
});

// node_modules/graceful-fs/clone.js
var require_clone = __commonJS({
  "node_modules/graceful-fs/clone.js"(exports, module) {
    "use strict";
    module.exports = clone;
    var getPrototypeOf = Object.getPrototypeOf || function(obj) {
      return obj.__proto__;
    };
    function clone(obj) {
      if (obj === null || typeof obj !== "object")
        return obj;
      if (obj instanceof Object)
        var copy = { __proto__: getPrototypeOf(obj) };
      else
        var copy = /* @__PURE__ */ Object.create(null);
      Object.getOwnPropertyNames(obj).forEach(function(key) {
        Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(obj, key));
      });
      return copy;
    }
  }
});

// node_modules/graceful-fs/graceful-fs.js
var require_graceful_fs = __commonJS({
  "node_modules/graceful-fs/graceful-fs.js"(exports, module) {
    var fs = __require("fs");
    var polyfills = require_polyfills();
    var legacy = require_legacy_streams();
    var clone = require_clone();
    var util = __require("util");
    var gracefulQueue;
    var previousSymbol;
    if (typeof Symbol === "function" && typeof Symbol.for === "function") {
      gracefulQueue = /* @__PURE__ */ Symbol.for("graceful-fs.queue");
      previousSymbol = /* @__PURE__ */ Symbol.for("graceful-fs.previous");
    } else {
      gracefulQueue = "___graceful-fs.queue";
      previousSymbol = "___graceful-fs.previous";
    }
    function noop() {
    }
    function publishQueue(context, queue2) {
      Object.defineProperty(context, gracefulQueue, {
        get: function() {
          return queue2;
        }
      });
    }
    var debug = noop;
    if (util.debuglog)
      debug = util.debuglog("gfs4");
    else if (/\bgfs4\b/i.test(process.env.NODE_DEBUG || ""))
      debug = function() {
        var m = util.format.apply(util, arguments);
        m = "GFS4: " + m.split(/\n/).join("\nGFS4: ");
        console.error(m);
      };
    if (!fs[gracefulQueue]) {
      queue = global[gracefulQueue] || [];
      publishQueue(fs, queue);
      fs.close = (function(fs$close) {
        function close(fd, cb) {
          return fs$close.call(fs, fd, function(err) {
            if (!err) {
              resetQueue();
            }
            if (typeof cb === "function")
              cb.apply(this, arguments);
          });
        }
        Object.defineProperty(close, previousSymbol, {
          value: fs$close
        });
        return close;
      })(fs.close);
      fs.closeSync = (function(fs$closeSync) {
        function closeSync2(fd) {
          fs$closeSync.apply(fs, arguments);
          resetQueue();
        }
        Object.defineProperty(closeSync2, previousSymbol, {
          value: fs$closeSync
        });
        return closeSync2;
      })(fs.closeSync);
      if (/\bgfs4\b/i.test(process.env.NODE_DEBUG || "")) {
        process.on("exit", function() {
          debug(fs[gracefulQueue]);
          __require("assert").equal(fs[gracefulQueue].length, 0);
        });
      }
    }
    var queue;
    if (!global[gracefulQueue]) {
      publishQueue(global, fs[gracefulQueue]);
    }
    module.exports = patch(clone(fs));
    if (process.env.TEST_GRACEFUL_FS_GLOBAL_PATCH && !fs.__patched) {
      module.exports = patch(fs);
      fs.__patched = true;
    }
    function patch(fs2) {
      polyfills(fs2);
      fs2.gracefulify = patch;
      fs2.createReadStream = createReadStream;
      fs2.createWriteStream = createWriteStream;
      var fs$readFile = fs2.readFile;
      fs2.readFile = readFile;
      function readFile(path, options, cb) {
        if (typeof options === "function")
          cb = options, options = null;
        return go$readFile(path, options, cb);
        function go$readFile(path2, options2, cb2, startTime) {
          return fs$readFile(path2, options2, function(err) {
            if (err && (err.code === "EMFILE" || err.code === "ENFILE"))
              enqueue([go$readFile, [path2, options2, cb2], err, startTime || Date.now(), Date.now()]);
            else {
              if (typeof cb2 === "function")
                cb2.apply(this, arguments);
            }
          });
        }
      }
      var fs$writeFile = fs2.writeFile;
      fs2.writeFile = writeFile;
      function writeFile(path, data, options, cb) {
        if (typeof options === "function")
          cb = options, options = null;
        return go$writeFile(path, data, options, cb);
        function go$writeFile(path2, data2, options2, cb2, startTime) {
          return fs$writeFile(path2, data2, options2, function(err) {
            if (err && (err.code === "EMFILE" || err.code === "ENFILE"))
              enqueue([go$writeFile, [path2, data2, options2, cb2], err, startTime || Date.now(), Date.now()]);
            else {
              if (typeof cb2 === "function")
                cb2.apply(this, arguments);
            }
          });
        }
      }
      var fs$appendFile = fs2.appendFile;
      if (fs$appendFile)
        fs2.appendFile = appendFile;
      function appendFile(path, data, options, cb) {
        if (typeof options === "function")
          cb = options, options = null;
        return go$appendFile(path, data, options, cb);
        function go$appendFile(path2, data2, options2, cb2, startTime) {
          return fs$appendFile(path2, data2, options2, function(err) {
            if (err && (err.code === "EMFILE" || err.code === "ENFILE"))
              enqueue([go$appendFile, [path2, data2, options2, cb2], err, startTime || Date.now(), Date.now()]);
            else {
              if (typeof cb2 === "function")
                cb2.apply(this, arguments);
            }
          });
        }
      }
      var fs$copyFile = fs2.copyFile;
      if (fs$copyFile)
        fs2.copyFile = copyFile;
      function copyFile(src, dest, flags, cb) {
        if (typeof flags === "function") {
          cb = flags;
          flags = 0;
        }
        return go$copyFile(src, dest, flags, cb);
        function go$copyFile(src2, dest2, flags2, cb2, startTime) {
          return fs$copyFile(src2, dest2, flags2, function(err) {
            if (err && (err.code === "EMFILE" || err.code === "ENFILE"))
              enqueue([go$copyFile, [src2, dest2, flags2, cb2], err, startTime || Date.now(), Date.now()]);
            else {
              if (typeof cb2 === "function")
                cb2.apply(this, arguments);
            }
          });
        }
      }
      var fs$readdir = fs2.readdir;
      fs2.readdir = readdir;
      var noReaddirOptionVersions = /^v[0-5]\./;
      function readdir(path, options, cb) {
        if (typeof options === "function")
          cb = options, options = null;
        var go$readdir = noReaddirOptionVersions.test(process.version) ? function go$readdir2(path2, options2, cb2, startTime) {
          return fs$readdir(path2, fs$readdirCallback(
            path2,
            options2,
            cb2,
            startTime
          ));
        } : function go$readdir2(path2, options2, cb2, startTime) {
          return fs$readdir(path2, options2, fs$readdirCallback(
            path2,
            options2,
            cb2,
            startTime
          ));
        };
        return go$readdir(path, options, cb);
        function fs$readdirCallback(path2, options2, cb2, startTime) {
          return function(err, files) {
            if (err && (err.code === "EMFILE" || err.code === "ENFILE"))
              enqueue([
                go$readdir,
                [path2, options2, cb2],
                err,
                startTime || Date.now(),
                Date.now()
              ]);
            else {
              if (files && files.sort)
                files.sort();
              if (typeof cb2 === "function")
                cb2.call(this, err, files);
            }
          };
        }
      }
      if (process.version.substr(0, 4) === "v0.8") {
        var legStreams = legacy(fs2);
        ReadStream = legStreams.ReadStream;
        WriteStream = legStreams.WriteStream;
      }
      var fs$ReadStream = fs2.ReadStream;
      if (fs$ReadStream) {
        ReadStream.prototype = Object.create(fs$ReadStream.prototype);
        ReadStream.prototype.open = ReadStream$open;
      }
      var fs$WriteStream = fs2.WriteStream;
      if (fs$WriteStream) {
        WriteStream.prototype = Object.create(fs$WriteStream.prototype);
        WriteStream.prototype.open = WriteStream$open;
      }
      Object.defineProperty(fs2, "ReadStream", {
        get: function() {
          return ReadStream;
        },
        set: function(val) {
          ReadStream = val;
        },
        enumerable: true,
        configurable: true
      });
      Object.defineProperty(fs2, "WriteStream", {
        get: function() {
          return WriteStream;
        },
        set: function(val) {
          WriteStream = val;
        },
        enumerable: true,
        configurable: true
      });
      var FileReadStream = ReadStream;
      Object.defineProperty(fs2, "FileReadStream", {
        get: function() {
          return FileReadStream;
        },
        set: function(val) {
          FileReadStream = val;
        },
        enumerable: true,
        configurable: true
      });
      var FileWriteStream = WriteStream;
      Object.defineProperty(fs2, "FileWriteStream", {
        get: function() {
          return FileWriteStream;
        },
        set: function(val) {
          FileWriteStream = val;
        },
        enumerable: true,
        configurable: true
      });
      function ReadStream(path, options) {
        if (this instanceof ReadStream)
          return fs$ReadStream.apply(this, arguments), this;
        else
          return ReadStream.apply(Object.create(ReadStream.prototype), arguments);
      }
      function ReadStream$open() {
        var that = this;
        open(that.path, that.flags, that.mode, function(err, fd) {
          if (err) {
            if (that.autoClose)
              that.destroy();
            that.emit("error", err);
          } else {
            that.fd = fd;
            that.emit("open", fd);
            that.read();
          }
        });
      }
      function WriteStream(path, options) {
        if (this instanceof WriteStream)
          return fs$WriteStream.apply(this, arguments), this;
        else
          return WriteStream.apply(Object.create(WriteStream.prototype), arguments);
      }
      function WriteStream$open() {
        var that = this;
        open(that.path, that.flags, that.mode, function(err, fd) {
          if (err) {
            that.destroy();
            that.emit("error", err);
          } else {
            that.fd = fd;
            that.emit("open", fd);
          }
        });
      }
      function createReadStream(path, options) {
        return new fs2.ReadStream(path, options);
      }
      function createWriteStream(path, options) {
        return new fs2.WriteStream(path, options);
      }
      var fs$open = fs2.open;
      fs2.open = open;
      function open(path, flags, mode, cb) {
        if (typeof mode === "function")
          cb = mode, mode = null;
        return go$open(path, flags, mode, cb);
        function go$open(path2, flags2, mode2, cb2, startTime) {
          return fs$open(path2, flags2, mode2, function(err, fd) {
            if (err && (err.code === "EMFILE" || err.code === "ENFILE"))
              enqueue([go$open, [path2, flags2, mode2, cb2], err, startTime || Date.now(), Date.now()]);
            else {
              if (typeof cb2 === "function")
                cb2.apply(this, arguments);
            }
          });
        }
      }
      return fs2;
    }
    function enqueue(elem) {
      debug("ENQUEUE", elem[0].name, elem[1]);
      fs[gracefulQueue].push(elem);
      retry();
    }
    var retryTimer;
    function resetQueue() {
      var now = Date.now();
      for (var i = 0; i < fs[gracefulQueue].length; ++i) {
        if (fs[gracefulQueue][i].length > 2) {
          fs[gracefulQueue][i][3] = now;
          fs[gracefulQueue][i][4] = now;
        }
      }
      retry();
    }
    function retry() {
      clearTimeout(retryTimer);
      retryTimer = void 0;
      if (fs[gracefulQueue].length === 0)
        return;
      var elem = fs[gracefulQueue].shift();
      var fn = elem[0];
      var args = elem[1];
      var err = elem[2];
      var startTime = elem[3];
      var lastTime = elem[4];
      if (startTime === void 0) {
        debug("RETRY", fn.name, args);
        fn.apply(null, args);
      } else if (Date.now() - startTime >= 6e4) {
        debug("TIMEOUT", fn.name, args);
        var cb = args.pop();
        if (typeof cb === "function")
          cb.call(null, err);
      } else {
        var sinceAttempt = Date.now() - lastTime;
        var sinceStart = Math.max(lastTime - startTime, 1);
        var desiredDelay = Math.min(sinceStart * 1.2, 100);
        if (sinceAttempt >= desiredDelay) {
          debug("RETRY", fn.name, args);
          fn.apply(null, args.concat([startTime]));
        } else {
          fs[gracefulQueue].push(elem);
        }
      }
      if (retryTimer === void 0) {
        retryTimer = setTimeout(retry, 0);
      }
    }
  }
});

// node_modules/retry/lib/retry_operation.js
var require_retry_operation = __commonJS({
  "node_modules/retry/lib/retry_operation.js"(exports, module) {
    function RetryOperation(timeouts, options) {
      if (typeof options === "boolean") {
        options = { forever: options };
      }
      this._originalTimeouts = JSON.parse(JSON.stringify(timeouts));
      this._timeouts = timeouts;
      this._options = options || {};
      this._maxRetryTime = options && options.maxRetryTime || Infinity;
      this._fn = null;
      this._errors = [];
      this._attempts = 1;
      this._operationTimeout = null;
      this._operationTimeoutCb = null;
      this._timeout = null;
      this._operationStart = null;
      if (this._options.forever) {
        this._cachedTimeouts = this._timeouts.slice(0);
      }
    }
    module.exports = RetryOperation;
    RetryOperation.prototype.reset = function() {
      this._attempts = 1;
      this._timeouts = this._originalTimeouts;
    };
    RetryOperation.prototype.stop = function() {
      if (this._timeout) {
        clearTimeout(this._timeout);
      }
      this._timeouts = [];
      this._cachedTimeouts = null;
    };
    RetryOperation.prototype.retry = function(err) {
      if (this._timeout) {
        clearTimeout(this._timeout);
      }
      if (!err) {
        return false;
      }
      var currentTime = (/* @__PURE__ */ new Date()).getTime();
      if (err && currentTime - this._operationStart >= this._maxRetryTime) {
        this._errors.unshift(new Error("RetryOperation timeout occurred"));
        return false;
      }
      this._errors.push(err);
      var timeout = this._timeouts.shift();
      if (timeout === void 0) {
        if (this._cachedTimeouts) {
          this._errors.splice(this._errors.length - 1, this._errors.length);
          this._timeouts = this._cachedTimeouts.slice(0);
          timeout = this._timeouts.shift();
        } else {
          return false;
        }
      }
      var self = this;
      var timer = setTimeout(function() {
        self._attempts++;
        if (self._operationTimeoutCb) {
          self._timeout = setTimeout(function() {
            self._operationTimeoutCb(self._attempts);
          }, self._operationTimeout);
          if (self._options.unref) {
            self._timeout.unref();
          }
        }
        self._fn(self._attempts);
      }, timeout);
      if (this._options.unref) {
        timer.unref();
      }
      return true;
    };
    RetryOperation.prototype.attempt = function(fn, timeoutOps) {
      this._fn = fn;
      if (timeoutOps) {
        if (timeoutOps.timeout) {
          this._operationTimeout = timeoutOps.timeout;
        }
        if (timeoutOps.cb) {
          this._operationTimeoutCb = timeoutOps.cb;
        }
      }
      var self = this;
      if (this._operationTimeoutCb) {
        this._timeout = setTimeout(function() {
          self._operationTimeoutCb();
        }, self._operationTimeout);
      }
      this._operationStart = (/* @__PURE__ */ new Date()).getTime();
      this._fn(this._attempts);
    };
    RetryOperation.prototype.try = function(fn) {
      console.log("Using RetryOperation.try() is deprecated");
      this.attempt(fn);
    };
    RetryOperation.prototype.start = function(fn) {
      console.log("Using RetryOperation.start() is deprecated");
      this.attempt(fn);
    };
    RetryOperation.prototype.start = RetryOperation.prototype.try;
    RetryOperation.prototype.errors = function() {
      return this._errors;
    };
    RetryOperation.prototype.attempts = function() {
      return this._attempts;
    };
    RetryOperation.prototype.mainError = function() {
      if (this._errors.length === 0) {
        return null;
      }
      var counts = {};
      var mainError = null;
      var mainErrorCount = 0;
      for (var i = 0; i < this._errors.length; i++) {
        var error = this._errors[i];
        var message = error.message;
        var count = (counts[message] || 0) + 1;
        counts[message] = count;
        if (count >= mainErrorCount) {
          mainError = error;
          mainErrorCount = count;
        }
      }
      return mainError;
    };
  }
});

// node_modules/retry/lib/retry.js
var require_retry = __commonJS({
  "node_modules/retry/lib/retry.js"(exports) {
    var RetryOperation = require_retry_operation();
    exports.operation = function(options) {
      var timeouts = exports.timeouts(options);
      return new RetryOperation(timeouts, {
        forever: options && options.forever,
        unref: options && options.unref,
        maxRetryTime: options && options.maxRetryTime
      });
    };
    exports.timeouts = function(options) {
      if (options instanceof Array) {
        return [].concat(options);
      }
      var opts = {
        retries: 10,
        factor: 2,
        minTimeout: 1 * 1e3,
        maxTimeout: Infinity,
        randomize: false
      };
      for (var key in options) {
        opts[key] = options[key];
      }
      if (opts.minTimeout > opts.maxTimeout) {
        throw new Error("minTimeout is greater than maxTimeout");
      }
      var timeouts = [];
      for (var i = 0; i < opts.retries; i++) {
        timeouts.push(this.createTimeout(i, opts));
      }
      if (options && options.forever && !timeouts.length) {
        timeouts.push(this.createTimeout(i, opts));
      }
      timeouts.sort(function(a, b) {
        return a - b;
      });
      return timeouts;
    };
    exports.createTimeout = function(attempt, opts) {
      var random = opts.randomize ? Math.random() + 1 : 1;
      var timeout = Math.round(random * opts.minTimeout * Math.pow(opts.factor, attempt));
      timeout = Math.min(timeout, opts.maxTimeout);
      return timeout;
    };
    exports.wrap = function(obj, options, methods) {
      if (options instanceof Array) {
        methods = options;
        options = null;
      }
      if (!methods) {
        methods = [];
        for (var key in obj) {
          if (typeof obj[key] === "function") {
            methods.push(key);
          }
        }
      }
      for (var i = 0; i < methods.length; i++) {
        var method = methods[i];
        var original = obj[method];
        obj[method] = function retryWrapper(original2) {
          var op = exports.operation(options);
          var args = Array.prototype.slice.call(arguments, 1);
          var callback = args.pop();
          args.push(function(err) {
            if (op.retry(err)) {
              return;
            }
            if (err) {
              arguments[0] = op.mainError();
            }
            callback.apply(this, arguments);
          });
          op.attempt(function() {
            original2.apply(obj, args);
          });
        }.bind(obj, original);
        obj[method].options = options;
      }
    };
  }
});

// node_modules/retry/index.js
var require_retry2 = __commonJS({
  "node_modules/retry/index.js"(exports, module) {
    module.exports = require_retry();
  }
});

// node_modules/signal-exit/signals.js
var require_signals = __commonJS({
  "node_modules/signal-exit/signals.js"(exports, module) {
    module.exports = [
      "SIGABRT",
      "SIGALRM",
      "SIGHUP",
      "SIGINT",
      "SIGTERM"
    ];
    if (process.platform !== "win32") {
      module.exports.push(
        "SIGVTALRM",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGUSR2",
        "SIGTRAP",
        "SIGSYS",
        "SIGQUIT",
        "SIGIOT"
        // should detect profiler and enable/disable accordingly.
        // see #21
        // 'SIGPROF'
      );
    }
    if (process.platform === "linux") {
      module.exports.push(
        "SIGIO",
        "SIGPOLL",
        "SIGPWR",
        "SIGSTKFLT",
        "SIGUNUSED"
      );
    }
  }
});

// node_modules/signal-exit/index.js
var require_signal_exit = __commonJS({
  "node_modules/signal-exit/index.js"(exports, module) {
    var process2 = global.process;
    var processOk = function(process3) {
      return process3 && typeof process3 === "object" && typeof process3.removeListener === "function" && typeof process3.emit === "function" && typeof process3.reallyExit === "function" && typeof process3.listeners === "function" && typeof process3.kill === "function" && typeof process3.pid === "number" && typeof process3.on === "function";
    };
    if (!processOk(process2)) {
      module.exports = function() {
        return function() {
        };
      };
    } else {
      assert = __require("assert");
      signals = require_signals();
      isWin = /^win/i.test(process2.platform);
      EE = __require("events");
      if (typeof EE !== "function") {
        EE = EE.EventEmitter;
      }
      if (process2.__signal_exit_emitter__) {
        emitter = process2.__signal_exit_emitter__;
      } else {
        emitter = process2.__signal_exit_emitter__ = new EE();
        emitter.count = 0;
        emitter.emitted = {};
      }
      if (!emitter.infinite) {
        emitter.setMaxListeners(Infinity);
        emitter.infinite = true;
      }
      module.exports = function(cb, opts) {
        if (!processOk(global.process)) {
          return function() {
          };
        }
        assert.equal(typeof cb, "function", "a callback must be provided for exit handler");
        if (loaded === false) {
          load();
        }
        var ev = "exit";
        if (opts && opts.alwaysLast) {
          ev = "afterexit";
        }
        var remove = function() {
          emitter.removeListener(ev, cb);
          if (emitter.listeners("exit").length === 0 && emitter.listeners("afterexit").length === 0) {
            unload();
          }
        };
        emitter.on(ev, cb);
        return remove;
      };
      unload = function unload2() {
        if (!loaded || !processOk(global.process)) {
          return;
        }
        loaded = false;
        signals.forEach(function(sig) {
          try {
            process2.removeListener(sig, sigListeners[sig]);
          } catch (er) {
          }
        });
        process2.emit = originalProcessEmit;
        process2.reallyExit = originalProcessReallyExit;
        emitter.count -= 1;
      };
      module.exports.unload = unload;
      emit = function emit2(event, code, signal) {
        if (emitter.emitted[event]) {
          return;
        }
        emitter.emitted[event] = true;
        emitter.emit(event, code, signal);
      };
      sigListeners = {};
      signals.forEach(function(sig) {
        sigListeners[sig] = function listener() {
          if (!processOk(global.process)) {
            return;
          }
          var listeners = process2.listeners(sig);
          if (listeners.length === emitter.count) {
            unload();
            emit("exit", null, sig);
            emit("afterexit", null, sig);
            if (isWin && sig === "SIGHUP") {
              sig = "SIGINT";
            }
            process2.kill(process2.pid, sig);
          }
        };
      });
      module.exports.signals = function() {
        return signals;
      };
      loaded = false;
      load = function load2() {
        if (loaded || !processOk(global.process)) {
          return;
        }
        loaded = true;
        emitter.count += 1;
        signals = signals.filter(function(sig) {
          try {
            process2.on(sig, sigListeners[sig]);
            return true;
          } catch (er) {
            return false;
          }
        });
        process2.emit = processEmit;
        process2.reallyExit = processReallyExit;
      };
      module.exports.load = load;
      originalProcessReallyExit = process2.reallyExit;
      processReallyExit = function processReallyExit2(code) {
        if (!processOk(global.process)) {
          return;
        }
        process2.exitCode = code || /* istanbul ignore next */
        0;
        emit("exit", process2.exitCode, null);
        emit("afterexit", process2.exitCode, null);
        originalProcessReallyExit.call(process2, process2.exitCode);
      };
      originalProcessEmit = process2.emit;
      processEmit = function processEmit2(ev, arg) {
        if (ev === "exit" && processOk(global.process)) {
          if (arg !== void 0) {
            process2.exitCode = arg;
          }
          var ret = originalProcessEmit.apply(this, arguments);
          emit("exit", process2.exitCode, null);
          emit("afterexit", process2.exitCode, null);
          return ret;
        } else {
          return originalProcessEmit.apply(this, arguments);
        }
      };
    }
    var assert;
    var signals;
    var isWin;
    var EE;
    var emitter;
    var unload;
    var emit;
    var sigListeners;
    var loaded;
    var load;
    var originalProcessReallyExit;
    var processReallyExit;
    var originalProcessEmit;
    var processEmit;
  }
});

// node_modules/proper-lockfile/lib/mtime-precision.js
var require_mtime_precision = __commonJS({
  "node_modules/proper-lockfile/lib/mtime-precision.js"(exports, module) {
    "use strict";
    var cacheSymbol = /* @__PURE__ */ Symbol();
    function probe(file, fs, callback) {
      const cachedPrecision = fs[cacheSymbol];
      if (cachedPrecision) {
        return fs.stat(file, (err, stat) => {
          if (err) {
            return callback(err);
          }
          callback(null, stat.mtime, cachedPrecision);
        });
      }
      const mtime = new Date(Math.ceil(Date.now() / 1e3) * 1e3 + 5);
      fs.utimes(file, mtime, mtime, (err) => {
        if (err) {
          return callback(err);
        }
        fs.stat(file, (err2, stat) => {
          if (err2) {
            return callback(err2);
          }
          const precision = stat.mtime.getTime() % 1e3 === 0 ? "s" : "ms";
          Object.defineProperty(fs, cacheSymbol, { value: precision });
          callback(null, stat.mtime, precision);
        });
      });
    }
    function getMtime(precision) {
      let now = Date.now();
      if (precision === "s") {
        now = Math.ceil(now / 1e3) * 1e3;
      }
      return new Date(now);
    }
    module.exports.probe = probe;
    module.exports.getMtime = getMtime;
  }
});

// node_modules/proper-lockfile/lib/lockfile.js
var require_lockfile = __commonJS({
  "node_modules/proper-lockfile/lib/lockfile.js"(exports, module) {
    "use strict";
    var path = __require("path");
    var fs = require_graceful_fs();
    var retry = require_retry2();
    var onExit = require_signal_exit();
    var mtimePrecision = require_mtime_precision();
    var locks = {};
    function getLockFile(file, options) {
      return options.lockfilePath || `${file}.lock`;
    }
    function resolveCanonicalPath(file, options, callback) {
      if (!options.realpath) {
        return callback(null, path.resolve(file));
      }
      options.fs.realpath(file, callback);
    }
    function acquireLock(file, options, callback) {
      const lockfilePath = getLockFile(file, options);
      options.fs.mkdir(lockfilePath, (err) => {
        if (!err) {
          return mtimePrecision.probe(lockfilePath, options.fs, (err2, mtime, mtimePrecision2) => {
            if (err2) {
              options.fs.rmdir(lockfilePath, () => {
              });
              return callback(err2);
            }
            callback(null, mtime, mtimePrecision2);
          });
        }
        if (err.code !== "EEXIST") {
          return callback(err);
        }
        if (options.stale <= 0) {
          return callback(Object.assign(new Error("Lock file is already being held"), { code: "ELOCKED", file }));
        }
        options.fs.stat(lockfilePath, (err2, stat) => {
          if (err2) {
            if (err2.code === "ENOENT") {
              return acquireLock(file, { ...options, stale: 0 }, callback);
            }
            return callback(err2);
          }
          if (!isLockStale(stat, options)) {
            return callback(Object.assign(new Error("Lock file is already being held"), { code: "ELOCKED", file }));
          }
          removeLock(file, options, (err3) => {
            if (err3) {
              return callback(err3);
            }
            acquireLock(file, { ...options, stale: 0 }, callback);
          });
        });
      });
    }
    function isLockStale(stat, options) {
      return stat.mtime.getTime() < Date.now() - options.stale;
    }
    function removeLock(file, options, callback) {
      options.fs.rmdir(getLockFile(file, options), (err) => {
        if (err && err.code !== "ENOENT") {
          return callback(err);
        }
        callback();
      });
    }
    function updateLock(file, options) {
      const lock2 = locks[file];
      if (lock2.updateTimeout) {
        return;
      }
      lock2.updateDelay = lock2.updateDelay || options.update;
      lock2.updateTimeout = setTimeout(() => {
        lock2.updateTimeout = null;
        options.fs.stat(lock2.lockfilePath, (err, stat) => {
          const isOverThreshold = lock2.lastUpdate + options.stale < Date.now();
          if (err) {
            if (err.code === "ENOENT" || isOverThreshold) {
              return setLockAsCompromised(file, lock2, Object.assign(err, { code: "ECOMPROMISED" }));
            }
            lock2.updateDelay = 1e3;
            return updateLock(file, options);
          }
          const isMtimeOurs = lock2.mtime.getTime() === stat.mtime.getTime();
          if (!isMtimeOurs) {
            return setLockAsCompromised(
              file,
              lock2,
              Object.assign(
                new Error("Unable to update lock within the stale threshold"),
                { code: "ECOMPROMISED" }
              )
            );
          }
          const mtime = mtimePrecision.getMtime(lock2.mtimePrecision);
          options.fs.utimes(lock2.lockfilePath, mtime, mtime, (err2) => {
            const isOverThreshold2 = lock2.lastUpdate + options.stale < Date.now();
            if (lock2.released) {
              return;
            }
            if (err2) {
              if (err2.code === "ENOENT" || isOverThreshold2) {
                return setLockAsCompromised(file, lock2, Object.assign(err2, { code: "ECOMPROMISED" }));
              }
              lock2.updateDelay = 1e3;
              return updateLock(file, options);
            }
            lock2.mtime = mtime;
            lock2.lastUpdate = Date.now();
            lock2.updateDelay = null;
            updateLock(file, options);
          });
        });
      }, lock2.updateDelay);
      if (lock2.updateTimeout.unref) {
        lock2.updateTimeout.unref();
      }
    }
    function setLockAsCompromised(file, lock2, err) {
      lock2.released = true;
      if (lock2.updateTimeout) {
        clearTimeout(lock2.updateTimeout);
      }
      if (locks[file] === lock2) {
        delete locks[file];
      }
      lock2.options.onCompromised(err);
    }
    function lock(file, options, callback) {
      options = {
        stale: 1e4,
        update: null,
        realpath: true,
        retries: 0,
        fs,
        onCompromised: (err) => {
          throw err;
        },
        ...options
      };
      options.retries = options.retries || 0;
      options.retries = typeof options.retries === "number" ? { retries: options.retries } : options.retries;
      options.stale = Math.max(options.stale || 0, 2e3);
      options.update = options.update == null ? options.stale / 2 : options.update || 0;
      options.update = Math.max(Math.min(options.update, options.stale / 2), 1e3);
      resolveCanonicalPath(file, options, (err, file2) => {
        if (err) {
          return callback(err);
        }
        const operation = retry.operation(options.retries);
        operation.attempt(() => {
          acquireLock(file2, options, (err2, mtime, mtimePrecision2) => {
            if (operation.retry(err2)) {
              return;
            }
            if (err2) {
              return callback(operation.mainError());
            }
            const lock2 = locks[file2] = {
              lockfilePath: getLockFile(file2, options),
              mtime,
              mtimePrecision: mtimePrecision2,
              options,
              lastUpdate: Date.now()
            };
            updateLock(file2, options);
            callback(null, (releasedCallback) => {
              if (lock2.released) {
                return releasedCallback && releasedCallback(Object.assign(new Error("Lock is already released"), { code: "ERELEASED" }));
              }
              unlock(file2, { ...options, realpath: false }, releasedCallback);
            });
          });
        });
      });
    }
    function unlock(file, options, callback) {
      options = {
        fs,
        realpath: true,
        ...options
      };
      resolveCanonicalPath(file, options, (err, file2) => {
        if (err) {
          return callback(err);
        }
        const lock2 = locks[file2];
        if (!lock2) {
          return callback(Object.assign(new Error("Lock is not acquired/owned by you"), { code: "ENOTACQUIRED" }));
        }
        lock2.updateTimeout && clearTimeout(lock2.updateTimeout);
        lock2.released = true;
        delete locks[file2];
        removeLock(file2, options, callback);
      });
    }
    function check(file, options, callback) {
      options = {
        stale: 1e4,
        realpath: true,
        fs,
        ...options
      };
      options.stale = Math.max(options.stale || 0, 2e3);
      resolveCanonicalPath(file, options, (err, file2) => {
        if (err) {
          return callback(err);
        }
        options.fs.stat(getLockFile(file2, options), (err2, stat) => {
          if (err2) {
            return err2.code === "ENOENT" ? callback(null, false) : callback(err2);
          }
          return callback(null, !isLockStale(stat, options));
        });
      });
    }
    function getLocks() {
      return locks;
    }
    onExit(() => {
      for (const file in locks) {
        const options = locks[file].options;
        try {
          options.fs.rmdirSync(getLockFile(file, options));
        } catch (e) {
        }
      }
    });
    module.exports.lock = lock;
    module.exports.unlock = unlock;
    module.exports.check = check;
    module.exports.getLocks = getLocks;
  }
});

// node_modules/proper-lockfile/lib/adapter.js
var require_adapter = __commonJS({
  "node_modules/proper-lockfile/lib/adapter.js"(exports, module) {
    "use strict";
    var fs = require_graceful_fs();
    function createSyncFs(fs2) {
      const methods = ["mkdir", "realpath", "stat", "rmdir", "utimes"];
      const newFs = { ...fs2 };
      methods.forEach((method) => {
        newFs[method] = (...args) => {
          const callback = args.pop();
          let ret;
          try {
            ret = fs2[`${method}Sync`](...args);
          } catch (err) {
            return callback(err);
          }
          callback(null, ret);
        };
      });
      return newFs;
    }
    function toPromise(method) {
      return (...args) => new Promise((resolve3, reject) => {
        args.push((err, result) => {
          if (err) {
            reject(err);
          } else {
            resolve3(result);
          }
        });
        method(...args);
      });
    }
    function toSync(method) {
      return (...args) => {
        let err;
        let result;
        args.push((_err, _result) => {
          err = _err;
          result = _result;
        });
        method(...args);
        if (err) {
          throw err;
        }
        return result;
      };
    }
    function toSyncOptions(options) {
      options = { ...options };
      options.fs = createSyncFs(options.fs || fs);
      if (typeof options.retries === "number" && options.retries > 0 || options.retries && typeof options.retries.retries === "number" && options.retries.retries > 0) {
        throw Object.assign(new Error("Cannot use retries with the sync api"), { code: "ESYNC" });
      }
      return options;
    }
    module.exports = {
      toPromise,
      toSync,
      toSyncOptions
    };
  }
});

// node_modules/proper-lockfile/index.js
var require_proper_lockfile = __commonJS({
  "node_modules/proper-lockfile/index.js"(exports, module) {
    "use strict";
    var lockfile2 = require_lockfile();
    var { toPromise, toSync, toSyncOptions } = require_adapter();
    async function lock(file, options) {
      const release = await toPromise(lockfile2.lock)(file, options);
      return toPromise(release);
    }
    function lockSync(file, options) {
      const release = toSync(lockfile2.lock)(file, toSyncOptions(options));
      return toSync(release);
    }
    function unlock(file, options) {
      return toPromise(lockfile2.unlock)(file, options);
    }
    function unlockSync(file, options) {
      return toSync(lockfile2.unlock)(file, toSyncOptions(options));
    }
    function check(file, options) {
      return toPromise(lockfile2.check)(file, options);
    }
    function checkSync(file, options) {
      return toSync(lockfile2.check)(file, toSyncOptions(options));
    }
    module.exports = lock;
    module.exports.lock = lock;
    module.exports.unlock = unlock;
    module.exports.lockSync = lockSync;
    module.exports.unlockSync = unlockSync;
    module.exports.check = check;
    module.exports.checkSync = checkSync;
  }
});

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

// src/cli/commands/ledger.ts
import { chmodSync, existsSync as existsSync4, mkdirSync as mkdirSync3, writeFileSync as writeFileSync3 } from "node:fs";
import { join as join4 } from "node:path";

// src/ledger/append.ts
import { setTimeout as sleep } from "node:timers/promises";

// src/ledger/checkpoint.ts
import { sign as cryptoSign, verify as cryptoVerify } from "node:crypto";

// src/ledger/encoding.ts
var import_canonicalize = __toESM(require_canonicalize(), 1);
import { createHash, hash as cryptoHash } from "node:crypto";
function canonicalJson(value) {
  let out;
  try {
    out = (0, import_canonicalize.default)(value);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `value cannot be written as canonical JSON: ${e.message}`);
  }
  if (out === void 0) throw new ShiplogError("BAD_INPUT", "value cannot be written as canonical JSON");
  return out;
}
function isCanonicalJson(text, value) {
  const order = keyOrder(value);
  if (order === "integer-keys") return canonicalJson(value) === text;
  return order === "sorted" && JSON.stringify(value) === text;
}
var INTEGER_KEY = /^(0|[1-9]\d*)$/;
function keyOrder(value) {
  if (typeof value !== "object" || value === null) return "sorted";
  const children = Array.isArray(value) ? value : Object.values(value);
  if (!Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((k) => INTEGER_KEY.test(k))) return "integer-keys";
    for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return "unsorted";
  }
  let result = "sorted";
  for (const child of children) {
    const r = keyOrder(child);
    if (r === "integer-keys") return r;
    if (r === "unsorted") result = r;
  }
  return result;
}
function sha256Hex(data) {
  return cryptoHash("sha256", data, "hex");
}
function sha256Bytes(data) {
  return createHash("sha256").update(data).digest();
}
var GENESIS_PREV = `sha256:${"0".repeat(64)}`;
var HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
var COMMIT_PATTERN = /^[0-9a-f]{40}$/;

// src/ledger/keys.ts
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
function keyidOf(publicKey) {
  return sha256Hex(publicKey.export({ type: "spki", format: "der" }));
}
var rawKeys = /* @__PURE__ */ new WeakMap();
function rawPublicKey(publicKey) {
  let raw = rawKeys.get(publicKey);
  if (!raw) {
    const der = publicKey.export({ type: "spki", format: "der" });
    raw = der.subarray(der.length - 32);
    rawKeys.set(publicKey, raw);
  }
  return raw;
}
function generateSigningKeyPem() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    keyid: keyidOf(publicKey)
  };
}
function loadSigningKey(pem, source) {
  if (!pem.includes("-----BEGIN")) {
    throw new ShiplogError("BAD_KEY", `${source} is not a PEM key (expected "-----BEGIN PRIVATE KEY-----")`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (e) {
    throw new ShiplogError("BAD_KEY", `${source} is not a readable private key: ${e.message}`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new ShiplogError(
      "BAD_KEY",
      `${source} is a ${privateKey.asymmetricKeyType ?? "unknown"} key; shiplog signs with Ed25519 (make one with "shiplog keygen")`
    );
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyid: keyidOf(publicKey) };
}
function loadTrustedKey(pem, source) {
  if (!pem.includes("-----BEGIN")) {
    throw new ShiplogError(
      "BAD_KEY",
      `${source} is not a PEM public key (expected "-----BEGIN PUBLIC KEY-----")`
    );
  }
  if (pem.includes("PRIVATE KEY")) {
    throw new ShiplogError(
      "BAD_KEY",
      `${source} holds a private key; pass the public key (shiplog.pub) instead`
    );
  }
  let publicKey;
  try {
    publicKey = createPublicKey({ key: pem, format: "pem" });
  } catch (e) {
    throw new ShiplogError("BAD_KEY", `${source} is not a readable public key: ${e.message}`);
  }
  if (publicKey.asymmetricKeyType !== "ed25519") {
    throw new ShiplogError(
      "BAD_KEY",
      `${source} is a ${publicKey.asymmetricKeyType ?? "unknown"} key, not Ed25519`
    );
  }
  return { publicKey, keyid: keyidOf(publicKey), raw: rawPublicKey(publicKey), source };
}

// src/ledger/checkpoint.ts
var EM_DASH = "\u2014";
var ED25519_SIG_TYPE = 1;
function checkOrigin(origin) {
  if (!/^[^\s+]+$/.test(origin) || origin.length > 200) {
    throw new ShiplogError("USAGE", `ledger origin "${origin}" must be one word with no spaces or "+"`);
  }
  return origin;
}
function noteKeyHash(name, raw) {
  const material = Buffer.concat([Buffer.from(`${name}
`, "utf8"), Buffer.from([ED25519_SIG_TYPE]), raw]);
  return Buffer.from(sha256Bytes(material).subarray(0, 4));
}
function checkpointBody(c) {
  const hex = c.head.slice("sha256:".length);
  return `${c.origin}
${c.size}
${Buffer.from(hex, "hex").toString("base64")}
`;
}
function signCheckpoint(c, key) {
  const body = checkpointBody(c);
  const sig = cryptoSign(null, Buffer.from(body, "utf8"), key.privateKey);
  const keyHash = noteKeyHash(c.origin, rawPublicKey(key.publicKey));
  return `${body}
${EM_DASH} ${c.origin} ${Buffer.concat([keyHash, sig]).toString("base64")}
`;
}
function bad(message) {
  throw new ShiplogError("BAD_INPUT", `checkpoint: ${message}`);
}
function parseCheckpoint(text) {
  if (text.length > 64 * 1024) bad("larger than 64 KiB");
  const split = text.indexOf("\n\n");
  if (split < 0) bad("no blank line between the body and the signatures");
  const body = text.slice(0, split + 1);
  const lines2 = body.slice(0, -1).split("\n");
  if (lines2.length < 3) bad("body needs an origin, an entry count and a head hash");
  const [origin, sizeText, headB64] = lines2;
  if (!origin || /\s/.test(origin)) bad("origin line is empty or has spaces");
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText))
    bad(`entry count "${sizeText.slice(0, 40)}" is not a decimal number`);
  const headBytes = Buffer.from(headB64, "base64");
  if (headBytes.length !== 32 || headBytes.toString("base64") !== headB64)
    bad("head hash is not 32 bytes of base64");
  const sigText = text.slice(split + 2);
  if (!sigText.endsWith("\n")) bad("signature lines must end with a newline");
  const signatures = sigText.slice(0, -1).split("\n").map((line) => {
    const m = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/=]+)$`).exec(line);
    if (!m) bad(`malformed signature line "${line.slice(0, 80)}"`);
    const blob = Buffer.from(m[2], "base64");
    if (blob.length < 5) bad("signature too short");
    return { name: m[1], keyHash: blob.subarray(0, 4), sig: blob.subarray(4) };
  });
  if (signatures.length === 0) bad("no signature lines");
  const head = `sha256:${headBytes.toString("hex")}`;
  if (!HASH_PATTERN.test(head)) bad("head hash is malformed");
  return { origin, size: Number(sizeText), head, body, signatures };
}
function checkpointSigner(cp, trusted2) {
  for (const s of cp.signatures) {
    for (const k of trusted2) {
      if (!noteKeyHash(s.name, k.raw).equals(s.keyHash) || s.sig.length !== 64) continue;
      if (cryptoVerify(null, Buffer.from(cp.body, "utf8"), k.publicKey, s.sig)) return k;
    }
  }
  return void 0;
}

// src/ledger/dsse.ts
import { sign as cryptoSign2, verify as cryptoVerify2 } from "node:crypto";
var IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
function pae(payloadType, payload) {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, "utf8");
  return Buffer.concat([head, payload]);
}
function entryHashOfPae(paeBytes) {
  return `sha256:${sha256Hex(paeBytes)}`;
}
function signEnvelope(payload, key) {
  const paeBytes = pae(IN_TOTO_PAYLOAD_TYPE, payload);
  const sig = cryptoSign2(null, paeBytes, key.privateKey);
  return {
    envelope: {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: Buffer.from(payload).toString("base64"),
      signatures: [{ keyid: key.keyid, sig: sig.toString("base64") }]
    },
    hash: entryHashOfPae(paeBytes)
  };
}
var BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function isBase64(text) {
  return BASE64.test(text);
}
function decodePayload(text) {
  if (text.length === 0 || text.length % 4 !== 0 || text.includes("-") || text.includes("_"))
    return void 0;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === text.length / 4 * 3 - pad ? bytes : void 0;
}
function readEnvelope(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `envelope is not JSON: ${e.message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ShiplogError("BAD_INPUT", "envelope is not a JSON object");
  }
  const o = raw;
  const extra = Object.keys(o).filter((k) => !["payloadType", "payload", "signatures"].includes(k));
  if (extra.length)
    throw new ShiplogError("BAD_INPUT", `envelope has unexpected field(s): ${extra.join(", ")}`);
  if (o.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new ShiplogError("BAD_INPUT", `envelope payloadType must be "${IN_TOTO_PAYLOAD_TYPE}"`);
  }
  const payload = typeof o.payload === "string" ? decodePayload(o.payload) : void 0;
  if (!payload) throw new ShiplogError("BAD_INPUT", "envelope payload is not standard base64");
  if (!Array.isArray(o.signatures) || o.signatures.length === 0) {
    throw new ShiplogError("BAD_INPUT", "envelope has no signatures");
  }
  for (const s of o.signatures) {
    if (typeof s !== "object" || s === null)
      throw new ShiplogError("BAD_INPUT", "envelope signature is not an object");
    const sig = s;
    if (typeof sig.keyid !== "string" || typeof sig.sig !== "string" || !isBase64(sig.sig) || sig.sig.length === 0) {
      throw new ShiplogError("BAD_INPUT", 'envelope signature needs string "keyid" and base64 "sig"');
    }
  }
  return { envelope: o, payload };
}
function signatureCandidates(envelope, trusted2) {
  const out = [];
  for (const s of envelope.signatures) {
    const sig = Buffer.from(s.sig, "base64");
    if (sig.length === 64) out.push({ sig, hint: trusted2.findIndex((k) => k.keyid === s.keyid) });
  }
  return out;
}
function signerIndex(paeBytes, candidates, keys) {
  for (const c of candidates) {
    if (c.hint >= 0 && cryptoVerify2(null, paeBytes, keys[c.hint], c.sig)) return c.hint;
    for (let k = 0; k < keys.length; k++) {
      if (k !== c.hint && cryptoVerify2(null, paeBytes, keys[k], c.sig)) return k;
    }
  }
  return -1;
}

// src/ledger/statement.ts
var STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
var PREDICATE_TYPE = "https://shiplog.dev/attestations/change/v1";
var CHANGE_TYPES = ["deploy", "migration", "config-override", "override"];
var RECORDABLE_TYPES = ["deploy", "migration", "config-override"];
function buildStatement(predicate, serverUrl = "https://github.com") {
  return {
    _type: STATEMENT_TYPE,
    subject: [
      {
        name: `git+${serverUrl.replace(/\/+$/, "")}/${predicate.repository}`,
        digest: { gitCommit: predicate.commit }
      }
    ],
    predicateType: PREDICATE_TYPE,
    predicate: dropUndefined(predicate)
  };
}
function statementBytes(statement) {
  return Buffer.from(canonicalJson(statement), "utf8");
}
function dropUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== void 0));
}
function fail(message) {
  throw new ShiplogError("BAD_INPUT", message);
}
function parseStatement(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail("statement is not a JSON object");
  const s = value;
  if (s._type !== STATEMENT_TYPE) fail(`statement _type must be "${STATEMENT_TYPE}"`);
  if (s.predicateType !== PREDICATE_TYPE) fail(`statement predicateType must be "${PREDICATE_TYPE}"`);
  if (!Array.isArray(s.subject) || s.subject.length === 0)
    fail("statement subject must be a non-empty array");
  for (const sub of s.subject) {
    const o = sub;
    if (typeof o?.name !== "string" || typeof o.digest?.gitCommit !== "string" || !COMMIT_PATTERN.test(o.digest.gitCommit)) {
      fail("statement subject needs a name and a 40-hex digest.gitCommit");
    }
  }
  const p = s.predicate;
  if (typeof p !== "object" || p === null || Array.isArray(p)) fail("statement predicate is not an object");
  if (!Number.isSafeInteger(p.seq) || p.seq < 0)
    fail("predicate.seq must be a non-negative integer");
  if (typeof p.prev !== "string" || !HASH_PATTERN.test(p.prev))
    fail('predicate.prev must be "sha256:" + 64 hex');
  if (!CHANGE_TYPES.includes(p.type))
    fail(`predicate.type must be one of ${CHANGE_TYPES.join(", ")}`);
  if (typeof p.timestamp !== "string" || Number.isNaN(Date.parse(p.timestamp)))
    fail("predicate.timestamp must be a date");
  if (typeof p.repository !== "string" || !/^[^/\s]+\/[^/\s]+$/.test(p.repository)) {
    fail("predicate.repository must be OWNER/NAME");
  }
  if (typeof p.commit !== "string" || !COMMIT_PATTERN.test(p.commit)) fail("predicate.commit must be 40 hex");
  const subject0 = s.subject[0];
  if (subject0.digest.gitCommit !== p.commit) fail("predicate.commit differs from the subject digest");
  for (const k of ["environment", "branch", "idempotency_key"]) {
    if (p[k] !== void 0 && typeof p[k] !== "string") fail(`predicate.${k} must be a string`);
  }
  return s;
}

// src/ledger/entry.ts
var EntryProblem = class extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
  kind;
};
function decodeEntry(text) {
  let envelope;
  let payload;
  try {
    ({ envelope, payload } = readEnvelope(text));
  } catch (e) {
    throw new EntryProblem("envelope", e.message);
  }
  const paeBytes = pae(envelope.payloadType, payload);
  const hash3 = entryHashOfPae(paeBytes);
  const payloadText = payload.toString("utf8");
  let value;
  try {
    value = JSON.parse(payloadText);
  } catch (e) {
    throw new EntryProblem("payload", `payload is not JSON: ${e.message}`);
  }
  if (!isCanonicalJson(payloadText, value) || Buffer.byteLength(payloadText) !== payload.length) {
    throw new EntryProblem("payload", "payload is not RFC 8785 canonical JSON");
  }
  let statement;
  try {
    statement = parseStatement(value);
  } catch (e) {
    throw new EntryProblem("statement", e instanceof ShiplogError ? e.message : String(e));
  }
  return { envelope, statement, hash: hash3, paeBytes };
}

// src/ledger/git-objects.ts
import { createHash as createHash2, hash as cryptoHash2, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync, existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
var TREE_MODE = "40000";
var BLOB_MODE = "100644";
function parseTree(data) {
  const entries = [];
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(32, pos);
    const nul = data.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > data.length) throw new Error("malformed tree object");
    entries.push({
      mode: data.subarray(pos, sp).toString("latin1"),
      name: data.subarray(sp + 1, nul).toString("utf8"),
      sha: data.subarray(nul + 1, nul + 21).toString("hex")
    });
    pos = nul + 21;
  }
  return entries;
}
function sortKey(e) {
  return e.mode === TREE_MODE ? `${e.name}/` : e.name;
}
function serializeTree(entries) {
  const keyed = [...entries].map((e) => ({ e, key: sortKey(e) }));
  const ascii = keyed.every((k) => /^[\x00-\x7f]*$/.test(k.key));
  keyed.sort(
    ascii ? (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0 : (a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))
  );
  let size = 0;
  const heads = keyed.map(({ e }) => {
    const head = Buffer.from(`${e.mode} ${e.name}\0`, "utf8");
    size += head.length + 20;
    return head;
  });
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  keyed.forEach(({ e }, i) => {
    pos += heads[i].copy(out, pos);
    pos += out.write(e.sha, pos, "hex");
  });
  return out;
}
function serializeCommit(c) {
  const ident = `${c.author.name} <${c.author.email}> ${Math.floor(c.author.date.getTime() / 1e3)} +0000`;
  const lines2 = [
    `tree ${c.tree}`,
    ...c.parents.map((p) => `parent ${p}`),
    `author ${ident}`,
    `committer ${ident}`
  ];
  return Buffer.from(`${lines2.join("\n")}

${c.message}`, "utf8");
}
function parseCommit(data) {
  const text = data.toString("utf8");
  const split = text.indexOf("\n\n");
  const header = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? "" : text.slice(split + 2);
  const tree = /^tree ([0-9a-f]{40})$/m.exec(header)?.[1];
  if (!tree) throw new Error("commit object has no tree");
  const parents = [...header.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((m) => m[1]);
  return { tree, parents, message };
}
function objectId(type, content) {
  const header = `${type} ${content.length}\0`;
  if (content.length <= 2048) return cryptoHash2("sha1", Buffer.concat([Buffer.from(header), content]), "hex");
  return createHash2("sha1").update(header).update(content).digest("hex");
}
function writeLooseObject(gitDir, type, content) {
  const sha = objectId(type, content);
  const dir = join(gitDir, "objects", sha.slice(0, 2));
  const file = join(dir, sha.slice(2));
  if (existsSync(file)) return sha;
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
  writeFileSync(tmp, deflateSync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content])));
  try {
    renameSync(tmp, file);
  } catch (e) {
    if (!existsSync(file)) throw e;
    unlinkSync(tmp);
  }
  return sha;
}

// src/ledger/index-model.ts
import { hash as hash2 } from "node:crypto";

// src/ledger/tree-bytes.ts
import { hash } from "node:crypto";
var TreeBytes = class {
  bytes;
  headerLength;
  offsets = /* @__PURE__ */ new Map();
  constructor(entries) {
    const content = serializeTree(entries);
    const header = Buffer.from(`tree ${content.length}\0`);
    this.headerLength = header.length;
    this.bytes = Buffer.concat([header, content]);
    let pos = this.headerLength;
    while (pos < this.bytes.length) {
      const nul = this.bytes.indexOf(0, pos);
      const space = this.bytes.indexOf(32, pos);
      this.offsets.set(this.bytes.toString("utf8", space + 1, nul), nul + 1);
      pos = nul + 21;
    }
  }
  /** Sets the id of an existing entry; false when there is no entry of that name. */
  patch(name, oid) {
    const at = this.offsets.get(name);
    if (at === void 0) return false;
    this.bytes.write(oid, at, 20, "hex");
    return true;
  }
  oid() {
    return hash("sha1", this.bytes, "hex");
  }
  /** A copy of the tree's content (the bytes are patched in place later). */
  content() {
    return Buffer.from(this.bytes.subarray(this.headerLength));
  }
};

// src/ledger/layout.ts
var ENTRY_FILE = "entry.json";
var CHECKPOINT_FILE = "checkpoint";
var INDEX_DIR = "index";
var DEPLOYS_FILE = "deploys";
var DEPLOYS_PATH = `${INDEX_DIR}/${DEPLOYS_FILE}`;
var SEALED_FILE = "sealed";
var SEGMENT_CAP = 8192;
var LIST_CAP = 8192;
var DEPLOY_STACK = 5;
function bucketDir(commit) {
  return `${INDEX_DIR}/${commit[0]}/${commit[1]}`;
}
function sealedName(level) {
  return level === 1 ? SEALED_FILE : `${SEALED_FILE}-${level}`;
}
function sealedLevel(name) {
  if (name === SEALED_FILE) return 1;
  const m = /^sealed-([2-9]|[1-9]\d)$/.exec(name);
  return m ? Number(m[1]) : void 0;
}
function segmentSeq(name) {
  return /^(0|[1-9]\d{0,15})$/.test(name) ? Number(name) : void 0;
}
function formatIndexLine(l) {
  return `${l.commit}	${l.seq}	${l.hash.slice("sha256:".length)}	${l.blob}	${l.type}	${l.environment ?? ""}	${l.repository}
`;
}
var LINE = /^([0-9a-f]{40})\t(0|[1-9]\d{0,15})\t([0-9a-f]{64})\t([0-9a-f]{40})\t([a-z-]{1,40})\t([^\t\n]*)\t([^\t\n/]+\/[^\t\n/]+)$/;
function parseIndexLine(text) {
  const m = LINE.exec(text);
  if (!m) return void 0;
  return {
    commit: m[1],
    seq: Number(m[2]),
    hash: `sha256:${m[3]}`,
    blob: m[4],
    type: m[5],
    ...m[6] ? { environment: m[6] } : {},
    repository: m[7]
  };
}
function parseSegment(text) {
  return text.split("\n").filter((l) => l !== "").map(parseIndexLine);
}
function formatSealedRef(r) {
  return `${r.first}	${r.last}	${r.blob}
`;
}
function parseSealedList(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = /^(0|[1-9]\d{0,15})\t(0|[1-9]\d{0,15})\t([0-9a-f]{40})$/.exec(line);
    if (!m) return void 0;
    out.push({ first: Number(m[1]), last: Number(m[2]), blob: m[3] });
  }
  return out;
}
function formatDeploys(states) {
  return [...states].sort((a, b) => cmp(a.repository, b.repository) || cmp(a.environment, b.environment)).map(
    (s) => `${s.repository}	${s.environment}	${s.deploys.map((d) => `${d.seq}:${d.commit}:${d.blob}`).join(" ") || "-"}
`
  ).join("");
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function parseDeploys(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [repository, environment, stack, extra] = line.split("	");
    if (!repository || !environment || !stack || extra !== void 0) return void 0;
    const deploys = [];
    for (const item of stack === "-" ? [] : stack.split(" ")) {
      const m = /^(0|[1-9]\d{0,15}):([0-9a-f]{40}):([0-9a-f]{40})$/.exec(item);
      if (!m) return void 0;
      deploys.push({ seq: Number(m[1]), commit: m[2], blob: m[3] });
    }
    out.push({ repository, environment, deploys });
  }
  return out;
}
function checkCommitPrefix(prefix) {
  const p = prefix.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(p)) {
    throw new ShiplogError("USAGE", `commit "${prefix}" must be 4 to 40 hex characters`);
  }
  return p;
}
function checkIndexText(what, value) {
  if (value !== void 0 && /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ShiplogError("BAD_INPUT", `${what} must not contain tabs, newlines or control characters`);
  }
}

// src/ledger/index-model.ts
var HEAD = 16;
var HEX = "0123456789abcdef";
function blobObject(content) {
  return { type: "blob", oid: objectId("blob", content), content };
}
function bad2(path, why) {
  throw new ShiplogError("BAD_INPUT", `ledger index ${path}: ${why} (run "shiplog verify")`);
}
var IndexModel = class _IndexModel {
  constructor(reader, tolerant = false) {
    this.reader = reader;
    this.tolerant = tolerant;
  }
  reader;
  tolerant;
  shelves = /* @__PURE__ */ new Map();
  deploys;
  deployStates;
  extras = [];
  tree;
  /** The index of an empty ledger. */
  static empty() {
    const m = new _IndexModel();
    m.deployStates = [];
    return m;
  }
  /** The index held by the tree `indexTree` (undefined: none yet); parts are read when needed. */
  static async at(indexTree, reader, opts = {}) {
    const m = new _IndexModel(reader, opts.tolerant);
    if (!indexTree) {
      m.deployStates = [];
      return m;
    }
    for (const e of parseTree(await reader.tree(indexTree))) {
      if (e.name === DEPLOYS_FILE && e.mode === BLOB_MODE) m.deploys = { oid: e.sha };
      else if (e.mode === TREE_MODE && e.name.length === 1 && HEX.includes(e.name))
        m.shelves.set(e.name, { oid: e.sha, read: false, buckets: /* @__PURE__ */ new Map(), extras: [] });
      else m.extra(m.extras, `${INDEX_DIR}/${e.name}`, e, "is not part of a shiplog index");
    }
    return m;
  }
  /** True when `apply(line, deploy)` can run without reading anything first. */
  ready(line, deploy) {
    const shelf = this.shelves.get(line.commit[0]);
    if (shelf && !shelf.read) return false;
    const bucket = shelf?.buckets.get(line.commit[1]);
    if (bucket && !bucket.read) return false;
    if (deploy && !this.deployStates) return false;
    const open = bucket?.open;
    if (!open) return true;
    if (!open.blob.content) return false;
    if (open.blob.content.length + Buffer.byteLength(formatIndexLine(line)) <= SEGMENT_CAP) return true;
    return [...bucket.lists.values()].every((l) => l.content !== void 0);
  }
  extra(into, path, e, why) {
    if (!this.tolerant) bad2(path, why);
    into.push(e);
  }
  /** Blob ids a step for this commit (and deploy) may read, to fetch them in one round trip. */
  async wantedBlobs(commit, deploy) {
    const bucket = await this.bucket(commit);
    const out = [];
    if (bucket.open && !bucket.open.blob.content) out.push(bucket.open.blob.oid);
    const list = bucket.lists.get(1);
    if (list && !list.content) out.push(list.oid);
    if (deploy && this.deploys && !this.deployStates) out.push(this.deploys.oid);
    return out;
  }
  /** Reads everything `apply(line, deploy)` will touch. */
  async prepare(line, deploy) {
    const bucket = await this.bucket(line.commit);
    if (deploy) await this.deployState();
    if (!bucket.open) return;
    const open = await this.content(bucket.open.blob, `${bucketPath(line.commit)}/${bucket.open.name}`);
    if (open.length + Buffer.byteLength(formatIndexLine(line)) <= SEGMENT_CAP) return;
    for (const [level, list] of bucket.lists)
      await this.content(list, `${bucketPath(line.commit)}/${sealedName(level)}`);
  }
  /**
   * Adds one entry's line (and deploy change); returns the new index tree id and every object the
   * step created. Synchronous: what it touches must have been read first (`prepare`).
   */
  apply(line, deploy, opts = {}) {
    const record = opts.objects !== false;
    const objects = [];
    const files = [];
    const dir = bucketPath(line.commit);
    const h1 = line.commit[0];
    const h2 = line.commit[1];
    const newShelf = !this.shelves.has(h1);
    const shelf = this.shelfNow(h1);
    const newBucket = !shelf.buckets.has(h2) || !shelf.buckets.get(h2).oid;
    const bucket = this.bucketNow(shelf, h2);
    const text = Buffer.from(formatIndexLine(line));
    const open = bucket.open;
    let sameNames = !!open && !!bucket.tree;
    if (open && need(open.blob.content, "open segment").length + text.length <= SEGMENT_CAP) {
      appendTo(open.blob, text);
      if (record) objects.push({ type: "blob", oid: open.blob.oid, content: open.blob.content });
      if (record) files.push({ path: `${dir}/${open.name}`, content: open.blob.content });
    } else {
      sameNames = false;
      if (open) {
        for (const level of this.seal(bucket, open, objects))
          files.push({ path: `${dir}/${sealedName(level)}`, content: bucket.lists.get(level).content });
        files.push({ path: `${dir}/${open.name}` });
      }
      const blob = { oid: "" };
      appendTo(blob, text);
      if (record) objects.push({ type: "blob", oid: blob.oid, content: blob.content });
      bucket.open = { name: String(line.seq), blob };
      files.push({ path: `${dir}/${line.seq}`, content: blob.content });
    }
    const hadDeploys = !!this.deploys;
    const deploysChanged = !!deploy && this.applyDeploy(line, deploy, objects);
    if (deploysChanged) files.push({ path: `${INDEX_DIR}/${DEPLOYS_FILE}`, content: this.deploys.content });
    let bucketTree = bucket.tree;
    if (!(sameNames && bucketTree?.patch(bucket.open.name, bucket.open.blob.oid)))
      bucketTree = bucket.tree = new TreeBytes([...bucketEntries(bucket), ...bucket.extras]);
    bucket.oid = bucketTree.oid();
    let shelfTree = shelf.tree;
    if (newBucket || !shelfTree?.patch(h2, bucket.oid)) {
      shelfTree = shelf.tree = new TreeBytes([
        ...[...shelf.buckets].filter(([, b]) => !b.read || b.open || b.lists.size || b.extras.length).map(([name, b]) => ({ mode: TREE_MODE, name, sha: b.oid })),
        ...shelf.extras
      ]);
    }
    shelf.oid = shelfTree.oid();
    let indexTree = this.tree;
    const patched = !newShelf && !!indexTree?.patch(h1, shelf.oid) && (!deploysChanged || hadDeploys && indexTree.patch(DEPLOYS_FILE, this.deploys.oid));
    if (!patched) indexTree = this.tree = new TreeBytes(this.indexEntries());
    const tree = indexTree.oid();
    if (record) {
      objects.push(
        { type: "tree", oid: bucket.oid, content: bucketTree.content() },
        { type: "tree", oid: shelf.oid, content: shelfTree.content() },
        { type: "tree", oid: tree, content: indexTree.content() }
      );
    }
    return { tree, objects, files };
  }
  /** The deploys in force per (repository, environment), newest first. */
  async deployStatesNow() {
    return this.deployState();
  }
  /** The files of the bucket for subject commits starting with `prefix` (at least 2 hex digits). */
  async bucketFiles(prefix) {
    const b = await this.bucket(prefix);
    return {
      prefix: prefix.slice(0, 2),
      open: b.open ? { first: Number(b.open.name), oid: b.open.blob.oid } : void 0,
      lists: [...b.lists].map(([level, list]) => ({ level, oid: list.oid })).sort((x, y) => y.level - x.level)
    };
  }
  /** The two-hex-digit prefixes that have a bucket. */
  async prefixes() {
    const out = [];
    for (const h1 of [...this.shelves.keys()].sort()) {
      await this.bucket(`${h1}0`);
      for (const [h2, b] of this.shelves.get(h1).buckets)
        if (!b.read || b.open || b.lists.size) out.push(h1 + h2);
    }
    return out.sort();
  }
  /** Seals the open segment into the lists; returns the levels whose list changed. */
  seal(bucket, open, objects) {
    const changed = [];
    const first = Number(open.name);
    const lines2 = open.blob.content.toString("utf8").trimEnd().split("\n");
    const last = parseIndexLine(lines2[lines2.length - 1])?.seq ?? first;
    let ref = Buffer.from(formatSealedRef({ first, last, blob: open.blob.oid }));
    for (let level = 1; ; level++) {
      const list = bucket.lists.get(level);
      const content = list ? need(list.content, sealedName(level)) : Buffer.alloc(0);
      if (content.length === 0 || content.length + ref.length <= LIST_CAP) {
        const o2 = blobObject(Buffer.concat([content, ref]));
        objects.push(o2);
        bucket.lists.set(level, { oid: o2.oid, content: o2.content });
        changed.push(level);
        return changed;
      }
      const refs = parseSealedList(content.toString("utf8"));
      if (!refs?.length) bad2(sealedName(level), "does not parse");
      const o = blobObject(ref);
      objects.push(o);
      bucket.lists.set(level, { oid: o.oid, content: o.content });
      changed.push(level);
      ref = Buffer.from(
        formatSealedRef({ first: refs[0].first, last: refs[refs.length - 1].last, blob: list.oid })
      );
    }
  }
  /** Updates index/deploys; false when the entry changes nothing there. */
  applyDeploy(line, change, objects) {
    const states = need(this.deployStates, DEPLOYS_FILE);
    let state = states.find(
      (s) => s.repository === change.repository && s.environment === change.environment
    );
    if (!state) {
      state = { repository: change.repository, environment: change.environment, deploys: [] };
      states.push(state);
    } else if (change.kind === "other") return false;
    if (change.kind !== "other") state.deploys = state.deploys.filter((d) => d.commit !== line.commit);
    if (change.kind === "success") {
      state.deploys.unshift({ seq: line.seq, commit: line.commit, blob: line.blob });
      state.deploys.length = Math.min(state.deploys.length, DEPLOY_STACK);
    }
    const o = blobObject(Buffer.from(formatDeploys(states)));
    if (o.oid === this.deploys?.oid) return false;
    objects.push(o);
    this.deploys = { oid: o.oid, content: o.content };
    return true;
  }
  indexEntries() {
    const entries = [...this.shelves].filter(([, s]) => s.oid !== void 0).map(([name, s]) => ({ mode: TREE_MODE, name, sha: s.oid }));
    if (this.deploys) entries.push({ mode: BLOB_MODE, name: DEPLOYS_FILE, sha: this.deploys.oid });
    return [...entries, ...this.extras];
  }
  shelfNow(h1) {
    let shelf = this.shelves.get(h1);
    if (!shelf) {
      shelf = { read: true, buckets: /* @__PURE__ */ new Map(), extras: [] };
      this.shelves.set(h1, shelf);
    }
    if (!shelf.read) bad2(`${INDEX_DIR}/${h1}`, "was not read before the step");
    return shelf;
  }
  bucketNow(shelf, h2) {
    let bucket = shelf.buckets.get(h2);
    if (!bucket) {
      bucket = { read: true, lists: /* @__PURE__ */ new Map(), extras: [] };
      shelf.buckets.set(h2, bucket);
    }
    if (!bucket.read) bad2(`bucket ${h2}`, "was not read before the step");
    return bucket;
  }
  async bucket(commit) {
    const h1 = commit[0];
    const h2 = commit[1];
    const known = this.shelves.get(h1);
    if (known && !known.read) {
      for (const e of parseTree(await this.reader.tree(known.oid))) {
        if (e.mode !== TREE_MODE || e.name.length !== 1 || !HEX.includes(e.name))
          this.extra(known.extras, `${INDEX_DIR}/${h1}/${e.name}`, e, "is not a bucket folder");
        else known.buckets.set(e.name, { oid: e.sha, read: false, lists: /* @__PURE__ */ new Map(), extras: [] });
      }
      known.read = true;
    }
    const shelf = this.shelfNow(h1);
    const b = shelf.buckets.get(h2);
    if (b && !b.read) {
      const dir = bucketPath(commit);
      for (const e of parseTree(await this.reader.tree(b.oid))) {
        const level = e.mode === BLOB_MODE ? sealedLevel(e.name) : void 0;
        if (level !== void 0) b.lists.set(level, { oid: e.sha });
        else if (e.mode === BLOB_MODE && segmentSeq(e.name) !== void 0 && !b.open)
          b.open = { name: e.name, blob: { oid: e.sha } };
        else this.extra(b.extras, `${dir}/${e.name}`, e, "is neither the open segment nor a sealed list");
      }
      b.read = true;
    }
    return this.bucketNow(shelf, h2);
  }
  async content(blob, what) {
    if (!blob.content) blob.content = await this.reader.blob(blob.oid);
    if (!blob.content) bad2(what, `blob ${blob.oid} is missing`);
    return blob.content;
  }
  async deployState() {
    if (this.deployStates) return this.deployStates;
    if (!this.deploys) return this.deployStates = [];
    const parsed = parseDeploys((await this.content(this.deploys, DEPLOYS_FILE)).toString("utf8"));
    if (!parsed) bad2(DEPLOYS_FILE, "does not parse");
    return this.deployStates = parsed;
  }
};
function appendTo(blob, line) {
  const old = blob.content ?? Buffer.alloc(0);
  const length = old.length + line.length;
  if (!blob.backing || HEAD + length > blob.backing.length) {
    const backing = Buffer.allocUnsafe(HEAD + Math.max(SEGMENT_CAP, length) + 256);
    old.copy(backing, HEAD);
    blob.backing = backing;
  }
  line.copy(blob.backing, HEAD + old.length);
  const header = `blob ${length}\0`;
  blob.backing.write(header, HEAD - header.length, "latin1");
  blob.content = blob.backing.subarray(HEAD, HEAD + length);
  blob.oid = hash2("sha1", blob.backing.subarray(HEAD - header.length, HEAD + length), "hex");
}
function need(value, what) {
  if (value === void 0) bad2(what, "was not read before the step");
  return value;
}
function bucketPath(commit) {
  return `${INDEX_DIR}/${commit[0]}/${commit[1]}`;
}
function bucketEntries(bucket) {
  const entries = [];
  if (bucket.open) entries.push({ mode: BLOB_MODE, name: bucket.open.name, sha: bucket.open.blob.oid });
  for (const [level, list] of bucket.lists)
    entries.push({ mode: BLOB_MODE, name: sealedName(level), sha: list.oid });
  return entries;
}

// src/ledger/ledger-commit.ts
function ledgerCommitMessage(t) {
  const title = ["shiplog:", `#${t.seq}`, t.type, t.environment, t.subject.slice(0, 7)].filter(Boolean).join(" ").replace(/[\r\n]+/g, " ");
  return `${title}

Shiplog-Seq: ${t.seq}
Shiplog-Entry: ${t.entry}
Shiplog-Origin: ${t.origin}
Shiplog-Subject: ${t.subject}
`;
}
function readTrailers(message) {
  const get = (name) => {
    const values = [...message.matchAll(new RegExp(`^${name}: (.*)$`, "gm"))].map((m) => m[1].trim());
    return values.length === 1 ? values[0] : values.length > 1 ? "(repeated)" : void 0;
  };
  return {
    seq: get("Shiplog-Seq"),
    entry: get("Shiplog-Entry"),
    origin: get("Shiplog-Origin"),
    subject: get("Shiplog-Subject")
  };
}
function validTrailers(raw) {
  if (!raw.seq || !/^(0|[1-9]\d{0,15})$/.test(raw.seq)) return void 0;
  if (!raw.entry || !HASH_PATTERN.test(raw.entry)) return void 0;
  if (!raw.origin || !/^[^\s+]+$/.test(raw.origin)) return void 0;
  if (!raw.subject || !COMMIT_PATTERN.test(raw.subject)) return void 0;
  return { seq: Number(raw.seq), entry: raw.entry, origin: raw.origin, subject: raw.subject };
}

// src/ledger/store.ts
var import_proper_lockfile = __toESM(require_proper_lockfile(), 1);
import { existsSync as existsSync3, mkdirSync as mkdirSync2, readFileSync, renameSync as renameSync2, rmSync, writeFileSync as writeFileSync2 } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join as join3, resolve } from "node:path";
import { randomBytes as randomBytes2 } from "node:crypto";

// src/ledger/git.ts
import { spawn } from "node:child_process";
var BASE_CONFIG = {
  "gc.auto": "0",
  "maintenance.auto": "false",
  "protocol.ext.allow": "never",
  "core.hooksPath": "/dev/null",
  "advice.detachedHead": "false"
};
function defaultTimeoutMs() {
  const fromEnv = Number(process.env.SHIPLOG_GIT_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 12e4;
}
function gitEnv(opts) {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    GCM_INTERACTIVE: "never",
    LC_ALL: "C",
    LANG: "C"
  };
  delete env.GIT_DIR;
  delete env.GIT_WORK_TREE;
  delete env.GIT_INDEX_FILE;
  if (opts.gitDir) env.GIT_DIR = opts.gitDir;
  const config = { ...BASE_CONFIG, ...opts.config };
  const keys = Object.keys(config);
  env.GIT_CONFIG_COUNT = String(keys.length);
  keys.forEach((k, i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = config[k];
  });
  return env;
}
function git(args, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  return new Promise((resolve3, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: opts.bulkOutput ? { ...gitEnv(opts), GIT_FLUSH: "0" } : gitEnv(opts),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true
    });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new ShiplogError("GIT_FAILED", `could not start git: ${e.message}`, { cause: e }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8")
      };
      if (timedOut) {
        reject(
          new ShiplogError(
            "GIT_TIMEOUT",
            `git ${args[0]} did not finish within ${timeoutMs} ms and was stopped`
          )
        );
      } else if (result.code !== 0 && !opts.allowFail) {
        reject(
          new ShiplogError(
            "GIT_FAILED",
            `git ${args[0]} failed (exit ${result.code}): ${lastLines(result.stderr)}`,
            {
              details: result
            }
          )
        );
      } else {
        resolve3(result);
      }
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(opts.input ?? "");
  });
}
function killGroup(pid) {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
    }
  }
}
function lastLines(text, n = 3) {
  return text.trim().split("\n").slice(-n).join(" | ") || "(no message)";
}
var BatchOutputParser = class {
  constructor(onObject) {
    this.onObject = onObject;
  }
  onObject;
  chunks = [];
  length = 0;
  pending;
  push(chunk) {
    this.chunks.push(chunk);
    this.length += chunk.length;
    for (; ; ) {
      if (!this.pending) {
        const nl = this.newline();
        if (nl < 0) return;
        const header = this.take(nl + 1).toString("utf8", 0, nl);
        if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
          this.onObject(void 0);
          continue;
        }
        const [sha, type, size] = header.split(" ");
        this.pending = { sha, type, size: Number(size) };
      }
      if (this.length < this.pending.size + 1) return;
      const data = this.take(this.pending.size + 1).subarray(0, this.pending.size);
      const obj = { sha: this.pending.sha, type: this.pending.type, data };
      this.pending = void 0;
      this.onObject(obj);
    }
  }
  newline() {
    let base = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(10);
      if (i >= 0) return base + i;
      base += c.length;
    }
    return -1;
  }
  /** Removes and returns the next n buffered bytes (n <= this.length). */
  take(n) {
    this.length -= n;
    const first = this.chunks[0];
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; ) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
};
function catFileBatch(gitDir, specs, onObject, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  return new Promise((resolve3, reject) => {
    if (specs.length === 0) return resolve3();
    const child = spawn("git", ["cat-file", "--batch", "--buffer"], {
      env: gitEnv({ gitDir, config: opts.config }),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true
    });
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new ShiplogError("GIT_TIMEOUT", `git cat-file did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    let index = 0;
    let failed = false;
    let waits = [];
    let handled = Promise.resolve();
    const parser = new BatchOutputParser((obj) => {
      const wait = onObject(index++, obj);
      if (wait) waits.push(wait);
    });
    const errChunks = [];
    child.stderr.on("data", (d) => errChunks.push(d));
    child.stdout.on("data", (chunk) => {
      const fail2 = (e) => {
        failed = true;
        killGroup(child.pid);
        clearTimeout(timer);
        reject(e);
      };
      try {
        parser.push(chunk);
      } catch (e) {
        return fail2(e);
      }
      if (waits.length) {
        child.stdout.pause();
        const all = Promise.all(waits);
        waits = [];
        handled = Promise.all([handled, all]);
        handled.catch(() => void 0);
        all.then(() => child.stdout.resume(), fail2);
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new ShiplogError("GIT_FAILED", `could not start git: ${e.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (failed) return;
      if (code !== 0 || index !== specs.length) {
        reject(
          new ShiplogError(
            "GIT_FAILED",
            `git cat-file failed (exit ${code}, ${index}/${specs.length} objects): ${lastLines(Buffer.concat(errChunks).toString())}`
          )
        );
      } else handled.then(() => resolve3(), reject);
    });
    child.stdin.on("error", () => void 0);
    let i = 0;
    const writeMore = () => {
      while (i < specs.length) {
        const ok = child.stdin.write(specs[i++] + "\n");
        if (!ok) {
          child.stdin.once("drain", writeMore);
          return;
        }
      }
      child.stdin.end();
    };
    writeMore();
  });
}
var CatFileSession = class {
  child;
  queue = [];
  parser = new BatchOutputParser((obj) => this.queue.shift()?.resolve(obj));
  closed = false;
  stderr = "";
  constructor(gitDir) {
    this.child = spawn("git", ["cat-file", "--batch"], {
      env: gitEnv({ gitDir }),
      stdio: ["pipe", "pipe", "pipe"]
    });
    this.child.stdout.on("data", (chunk) => this.parser.push(chunk));
    this.child.stderr.on("data", (d) => this.stderr += d.toString());
    this.child.stdin.on("error", () => void 0);
    const fail2 = (e) => {
      this.closed = true;
      for (const q of this.queue.splice(0)) q.reject(e);
    };
    this.child.on("error", (e) => fail2(new ShiplogError("GIT_FAILED", `could not start git: ${e.message}`)));
    this.child.on("close", (code) => {
      if (this.queue.length)
        fail2(new ShiplogError("GIT_FAILED", `git cat-file exited (${code}): ${lastLines(this.stderr)}`));
    });
  }
  get(specs) {
    if (this.closed) return Promise.reject(new ShiplogError("GIT_FAILED", "git cat-file already closed"));
    if (specs.some((s) => /[\n\0]/.test(s))) {
      return Promise.reject(new ShiplogError("BAD_INPUT", "object name contains a newline"));
    }
    const results = specs.map(
      () => new Promise((resolve3, reject) => this.queue.push({ resolve: resolve3, reject }))
    );
    this.child.stdin.write(specs.map((s) => s + "\n").join(""));
    return Promise.all(results);
  }
  close() {
    this.closed = true;
    this.child.stdin.end();
  }
};

// src/ledger/object-presence.ts
import { existsSync as existsSync2, openSync, readdirSync, readSync, closeSync, statSync } from "node:fs";
import { join as join2 } from "node:path";
var IDX_MAGIC = 4285812579;
var PackIndex = class _PackIndex {
  constructor(ids, fanout) {
    this.ids = ids;
    this.fanout = fanout;
  }
  ids;
  fanout;
  static read(file) {
    const fd = openSync(file, "r");
    try {
      const head = Buffer.alloc(8 + 256 * 4);
      if (readSync(fd, head, 0, head.length, 0) !== head.length) return void 0;
      if (head.readUInt32BE(0) !== IDX_MAGIC || head.readUInt32BE(4) !== 2) return void 0;
      const fanout = new Uint32Array(256);
      for (let i = 0; i < 256; i++) fanout[i] = head.readUInt32BE(8 + i * 4);
      const count = fanout[255];
      const ids = Buffer.alloc(count * 20);
      if (readSync(fd, ids, 0, ids.length, head.length) !== ids.length) return void 0;
      return new _PackIndex(ids, fanout);
    } finally {
      closeSync(fd);
    }
  }
  has(oid) {
    let lo = oid[0] === 0 ? 0 : this.fanout[oid[0] - 1];
    let hi = this.fanout[oid[0]];
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      const c = this.ids.compare(oid, 0, 20, mid * 20, mid * 20 + 20);
      if (c === 0) return true;
      if (c > 0) hi = mid;
      else lo = mid + 1;
    }
    return false;
  }
};
var indexes = /* @__PURE__ */ new Map();
function packIndexes(gitDir) {
  const dir = join2(gitDir, "objects", "pack");
  if (!existsSync2(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".idx")) continue;
    const file = join2(dir, name);
    const key = `${file}:${statSync(file).size}`;
    if (!indexes.has(key)) indexes.set(key, PackIndex.read(file));
    const idx = indexes.get(key);
    if (idx) out.push(idx);
  }
  return out;
}
function missingObjects(gitDir, oids) {
  let packs;
  return oids.filter((oid) => {
    if (existsSync2(join2(gitDir, "objects", oid.slice(0, 2), oid.slice(2)))) return false;
    packs ??= packIndexes(gitDir);
    const raw = Buffer.from(oid, "hex");
    return !packs.some((p) => p.has(raw));
  });
}

// src/ledger/store.ts
function checkBranchName(branch) {
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.startsWith("-") || branch.includes("..") || branch.endsWith("/")) {
    throw new ShiplogError("USAGE", `ledger branch "${branch}" is not a valid branch name`);
  }
  return branch;
}
function resolveRemote(remote) {
  const r = remote.trim();
  if (!r) throw new ShiplogError("USAGE", "no ledger remote given (--remote)");
  if (r.startsWith("-")) throw new ShiplogError("USAGE", `remote "${r}" looks like an option; refusing it`);
  if (/[\0\n\r]/.test(r)) throw new ShiplogError("USAGE", "remote contains control characters");
  if (/^[a-z][a-z0-9+.-]*::/i.test(r))
    throw new ShiplogError("USAGE", `remote helper URLs ("${r.split("::")[0]}::") are not allowed`);
  if (/^(https?|ssh|git):\/\//i.test(r)) return { url: r, isLocal: false };
  if (/^file:\/\//i.test(r)) return { url: r, isLocal: true };
  if (/^[^/\\]+@[^/:]+:/.test(r)) return { url: r, isLocal: false };
  const path = isAbsolute(r) ? r : resolve(r);
  if (!existsSync3(path)) throw new ShiplogError("REMOTE_NOT_FOUND", `ledger remote "${r}" does not exist`);
  return { url: path, isLocal: true };
}
function defaultCacheRoot() {
  if (process.env.SHIPLOG_CACHE_DIR) return process.env.SHIPLOG_CACHE_DIR;
  if (process.env.RUNNER_TEMP) return join3(process.env.RUNNER_TEMP, "shiplog-cache");
  const base = process.env.XDG_CACHE_HOME || join3(homedir(), ".cache");
  return join3(base, "shiplog");
}
function authConfig(token, isLocal) {
  if (!token || isLocal) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return { "http.extraHeader": `AUTHORIZATION: basic ${basic}` };
}
function writableRoot(preferred) {
  try {
    mkdirSync2(preferred, { recursive: true });
    const probe = join3(preferred, `.probe-${process.pid}-${randomBytes2(4).toString("hex")}`);
    writeFileSync2(probe, "");
    rmSync(probe);
    return preferred;
  } catch {
    const fallback = join3(tmpdir(), `shiplog-cache-${process.getuid?.() ?? "user"}`);
    try {
      mkdirSync2(fallback, { recursive: true });
      return fallback;
    } catch (e) {
      throw new ShiplogError(
        "BAD_INPUT",
        `cannot write a ledger cache in ${preferred} or ${fallback}: ${e.message} (set SHIPLOG_CACHE_DIR)`
      );
    }
  }
}
async function openRepo(location, mode) {
  checkBranchName(location.branch);
  const { url, isLocal } = resolveRemote(location.remote);
  const root = writableRoot(location.cacheDir ?? defaultCacheRoot());
  const key = sha256Hex(`${url}\0${location.branch}`).slice(0, 24);
  const gitDir = join3(root, key, `${mode}.git`);
  if (!existsSync3(join3(gitDir, "config"))) {
    const tmp = `${gitDir}.tmp-${process.pid}-${randomBytes2(4).toString("hex")}`;
    for (const d of ["objects/info", "objects/pack", "refs/heads", "refs/tags"])
      mkdirSync2(join3(tmp, d), { recursive: true });
    writeFileSync2(join3(tmp, "HEAD"), "ref: refs/heads/main\n");
    const partial = mode === "tip" ? "	repositoryformatversion = 1\n[extensions]\n	partialClone = origin\n" : "	repositoryformatversion = 0\n";
    const promisor = mode === "tip" ? "	promisor = true\n	partialclonefilter = blob:none\n" : "";
    writeFileSync2(
      join3(tmp, "config"),
      `[core]
	bare = true
${partial}[remote "origin"]
	url = ${configValue(url)}
${promisor}`
    );
    try {
      renameSync2(tmp, gitDir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync3(join3(gitDir, "config")))
        throw new ShiplogError("GIT_FAILED", `could not create cache ${gitDir}`);
    }
  }
  return { gitDir, location, url, isLocal, mode };
}
function configValue(v) {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
var TIP_REF = {
  tip: "refs/shiplog/tip",
  history: "refs/shiplog/history-tip"
};
function fetchArgs(repo, extra) {
  const args = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", ...extra];
  if (repo.isLocal) args.push("--upload-pack=git -c uploadpack.allowFilter=true upload-pack");
  return args;
}
async function runFetch(repo, args, config = {}) {
  const release = await lockRepo(repo.gitDir);
  try {
    return await git(args, {
      gitDir: repo.gitDir,
      allowFail: true,
      config: { ...authConfig(repo.location.token, repo.isLocal), ...config }
    });
  } finally {
    await release();
  }
}
function fetchFailure(repo, err) {
  if (/does not appear to be a git repository|not found|repository .* does not exist|No such file/i.test(err)) {
    return new ShiplogError(
      "REMOTE_NOT_FOUND",
      `ledger remote "${redact(repo.location.remote)}" is not a reachable git repository: ${lastLines(err, 1)}`
    );
  }
  return new ShiplogError(
    "GIT_FAILED",
    `fetching the ledger from "${redact(repo.location.remote)}" failed: ${lastLines(err)}`
  );
}
async function fetchTip(repo) {
  const ref = TIP_REF[repo.mode];
  const extra = repo.mode === "tip" ? ["--depth=1", "--filter=blob:none"] : [];
  const result = await runFetch(
    repo,
    fetchArgs(repo, [...extra, "origin", `+refs/heads/${repo.location.branch}:${ref}`])
  );
  if (result.code === 0) return { commit: readRef(repo.gitDir, ref) };
  if (/couldn't find remote ref/i.test(result.stderr)) return void 0;
  throw fetchFailure(repo, result.stderr);
}
async function fetchObjects(repo, oids) {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return;
  const missing = missingObjects(repo.gitDir, wanted);
  if (missing.length === 0) return;
  const result = await runFetch(repo, fetchArgs(repo, ["--filter=blob:none", "origin", ...missing]), {
    "fetch.negotiationAlgorithm": "noop"
  });
  if (result.code !== 0) throw fetchFailure(repo, result.stderr);
}
async function fetchAncestry(repo, commit, depth, opts) {
  const filter = opts.trees ? "--filter=blob:none" : "--filter=tree:0";
  const result = await runFetch(
    repo,
    fetchArgs(repo, [`--depth=${Math.max(1, depth)}`, filter, "origin", commit])
  );
  if (result.code !== 0) throw fetchFailure(repo, result.stderr);
}
async function listLedgerBranches(location) {
  const { url, isLocal } = resolveRemote(location.remote);
  const r = await git(["ls-remote", "--heads", url, "refs/heads/shiplog", "refs/heads/shiplog/*"], {
    allowFail: true,
    config: authConfig(location.token, isLocal)
  });
  if (r.code !== 0) {
    if (/does not appear to be a git repository|not found|No such file|Could not read from remote/i.test(
      r.stderr
    )) {
      throw new ShiplogError(
        "REMOTE_NOT_FOUND",
        `ledger remote "${redact(location.remote)}" is not a reachable git repository: ${lastLines(r.stderr, 2)}`
      );
    }
    throw new ShiplogError(
      "GIT_FAILED",
      `listing the ledger branches of "${redact(location.remote)}" failed: ${lastLines(r.stderr, 2)}`
    );
  }
  return r.stdout.toString("utf8").split("\n").map((l) => /^[0-9a-f]{40}\trefs\/heads\/(.+)$/.exec(l)?.[1]).filter((b) => !!b && (b === "shiplog" || b.startsWith("shiplog/"))).sort();
}
function redact(url) {
  return url.replace(/\/\/[^@/]+@/, "//***@");
}
function readRef(gitDir, ref) {
  const loose = join3(gitDir, ref);
  if (existsSync3(loose)) return readFileSync(loose, "utf8").trim();
  const packed = readFileSync(join3(gitDir, "packed-refs"), "utf8");
  const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
  if (!line) throw new ShiplogError("GIT_FAILED", `fetched ref ${ref} not found in ${gitDir}`);
  return line.slice(0, 40);
}
async function lockRepo(gitDir) {
  try {
    return await import_proper_lockfile.default.lock(gitDir, {
      realpath: false,
      stale: 1e4,
      retries: { retries: 400, minTimeout: 10, maxTimeout: 150, factor: 1.3, randomize: true }
    });
  } catch (e) {
    throw new ShiplogError(
      "GIT_FAILED",
      `could not lock the ledger cache ${gitDir}: ${e.message}`
    );
  }
}
function cachedTip(repo) {
  const file = join3(repo.gitDir, TIP_REF[repo.mode]);
  if (!existsSync3(file)) return void 0;
  const commit = readFileSync(file, "utf8").trim();
  return /^[0-9a-f]{40}$/.test(commit) ? { commit } : void 0;
}
function rememberTip(repo, commit) {
  const file = join3(repo.gitDir, TIP_REF[repo.mode]);
  const tmp = `${file}.${process.pid}.${randomBytes2(4).toString("hex")}`;
  try {
    mkdirSync2(join3(file, ".."), { recursive: true });
    writeFileSync2(tmp, `${commit}
`);
    renameSync2(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}
async function pushCommit(repo, commit) {
  const r = await git(
    [
      "push",
      "--quiet",
      "--porcelain",
      "--no-verify",
      // Full objects: a thin pack would delta against blobs this cache never fetched.
      "--no-thin",
      "origin",
      `${commit}:refs/heads/${repo.location.branch}`
    ],
    { gitDir: repo.gitDir, allowFail: true, config: authConfig(repo.location.token, repo.isLocal) }
  );
  const text = `${r.stdout.toString("utf8")}
${r.stderr}`;
  if (r.code === 0) return { outcome: "pushed", message: "" };
  if (/\[rejected\]|non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref/i.test(text)) {
    return { outcome: "lost-race", message: lastLines(text, 2) };
  }
  if (/\[remote rejected\]|pre-receive hook declined/i.test(text))
    return { outcome: "rejected", message: lastLines(text, 2) };
  if (/does not appear to be a git repository|Could not read from remote/i.test(text)) {
    throw new ShiplogError(
      "REMOTE_NOT_FOUND",
      `cannot push to ledger remote "${redact(repo.location.remote)}": ${lastLines(text, 1)}`
    );
  }
  return { outcome: "rejected", message: lastLines(text, 2) };
}

// src/ledger/lookup.ts
async function bucketLines(view, buckets, from = 0, to = Infinity) {
  const tipSeq = view.tip.seq;
  const overlaps = (p) => p.first <= to && p.last >= from;
  const segments = [];
  let lists = [];
  for (const b of buckets) {
    if (b.open && overlaps({ first: b.open.first, last: tipSeq }))
      segments.push({ oid: b.open.oid, first: b.open.first, last: tipSeq });
    for (const l of b.lists)
      lists.push({ oid: l.oid, level: l.level, first: 0, last: b.open?.first ?? tipSeq });
  }
  while (lists.length) {
    const texts2 = await view.objects.blobs(lists.map((l) => l.oid));
    const next = [];
    lists.forEach((l, i) => {
      const refs = parseSealedList(texts2[i].toString("utf8"));
      if (!refs) throw damaged(`sealed list ${l.oid}`);
      for (const r of refs.filter(overlaps)) {
        if (l.level === 1) segments.push(part(r));
        else next.push({ ...part(r), level: l.level - 1 });
      }
    });
    lists = next;
  }
  const texts = await view.objects.blobs(segments.map((s) => s.oid));
  const out = [];
  texts.forEach((t, i) => {
    for (const line of parseSegment(t.toString("utf8"))) {
      if (!line) throw damaged(`segment ${segments[i].oid}`);
      if (line.seq >= from && line.seq <= to) out.push(line);
    }
  });
  return out.sort((a, b) => a.seq - b.seq);
}
function part(r) {
  return { oid: r.blob, first: r.first, last: r.last };
}
function damaged(what) {
  return new ShiplogError("BAD_INPUT", `the ledger index ${what} does not parse (run "shiplog verify")`);
}
async function entriesForCommit(view, prefix, keep, limit) {
  const files = await view.index.bucketFiles(prefix);
  const match = (l) => l.commit.startsWith(prefix) && keep(l);
  await view.objects.fetch(
    [files.open?.oid, ...files.lists.map((l) => l.oid)].filter((o) => !!o)
  );
  const recent = files.open ? await segmentLines(view, files.open.oid) : [];
  const hits = recent.filter(match);
  let refs = [];
  let lists = files.lists;
  while (lists.length) {
    const next = [];
    for (const l of lists) {
      const parsed = parseSealedList((await view.objects.blob(l.oid)).toString("utf8"));
      if (!parsed) throw damaged(`sealed list ${l.oid}`);
      if (l.level === 1) refs.push(...parsed);
      else next.push(...parsed.map((r) => ({ level: l.level - 1, oid: r.blob })));
    }
    if (next.length) await view.objects.fetch(next.map((n) => n.oid));
    lists = next;
  }
  refs = refs.sort((a, b) => a.first - b.first);
  await view.objects.fetch([...refs.map((r) => r.blob), ...hits.map((h) => h.blob)]);
  for (const r of refs) hits.push(...(await segmentLines(view, r.blob)).filter(match));
  const newest = hits.sort((a, b) => b.seq - a.seq).slice(0, limit);
  return readEntries(view, newest);
}
async function segmentLines(view, oid) {
  return parseSegment((await view.objects.blob(oid)).toString("utf8")).map((l) => {
    if (!l) throw damaged(`segment ${oid}`);
    return l;
  });
}
async function allBuckets(view) {
  const out = [];
  for (const p of await view.index.prefixes()) out.push(await view.index.bucketFiles(p));
  return out;
}
async function lineForSeq(view, seq) {
  if (seq > view.tip.seq) return void 0;
  const lines2 = await bucketLines(view, await allBuckets(view), seq, seq);
  return lines2.find((l) => l.seq === seq);
}
async function newestLines(view, keep, limit) {
  const buckets = await allBuckets(view);
  const top = view.tip.seq;
  if (limit === void 0) return (await bucketLines(view, buckets)).filter(keep).reverse();
  let window = Math.max(64, limit * 4);
  for (; ; ) {
    const from = Math.max(0, top - window + 1);
    const found = (await bucketLines(view, buckets, from, top)).filter(keep).reverse();
    if (found.length >= limit || from === 0) return found.slice(0, limit);
    window *= 4;
  }
}
async function readEntries(view, lines2) {
  const texts = await view.objects.blobs(lines2.map((l) => l.blob));
  return lines2.map((l, i) => ({ ...decodeAt(`seq ${l.seq}`, texts[i]), seq: l.seq, blob: l.blob }));
}
function decodeAt(where, data) {
  try {
    return decodeEntry(data.toString("utf8"));
  } catch (e) {
    if (e instanceof EntryProblem)
      throw new ShiplogError(
        "BAD_INPUT",
        `${where}: ${e.message} (run "shiplog verify" for the full picture)`
      );
    throw e;
  }
}
var MAX_WALK = 2e4;
async function ledgerCommitOfSeq(repo, tip, seq) {
  if (seq === tip.seq) return tip.commit;
  const back = tip.seq - seq;
  if (back < 0 || back > MAX_WALK) return void 0;
  await fetchAncestry(repo, tip.commit, back + 1, { trees: false });
  const r = await git(["rev-list", "--first-parent", "--max-count=1", `--skip=${back}`, tip.commit], {
    gitDir: repo.gitDir,
    allowFail: true
  });
  const found = r.stdout.toString("utf8").trim();
  return /^[0-9a-f]{40}$/.test(found) ? found : void 0;
}

// src/ledger/tip.ts
var TipObjects = class {
  constructor(repo) {
    this.repo = repo;
    this.cat = new CatFileSession(repo.gitDir);
  }
  repo;
  cat;
  /** Makes sure these objects are here, with one fetch for all that are missing. */
  async fetch(oids) {
    await fetchObjects(this.repo, oids);
  }
  async object(oid, type) {
    if (missingObjects(this.repo.gitDir, [oid]).length) await this.fetch([oid]);
    const [obj] = await this.cat.get([oid]);
    if (!obj || obj.type !== type) {
      throw new ShiplogError("GIT_FAILED", `ledger ${type} ${oid} could not be read from the remote`);
    }
    return obj.data;
  }
  /** Several blobs, fetched together when missing, in the order asked. */
  async blobs(oids) {
    await this.fetch(oids);
    const objs = await this.cat.get(oids);
    return objs.map((o, i) => {
      if (!o || o.type !== "blob")
        throw new ShiplogError("GIT_FAILED", `ledger blob ${oids[i]} could not be read from the remote`);
      return o.data;
    });
  }
  tree(oid) {
    return this.object(oid, "tree");
  }
  blob(oid) {
    return this.object(oid, "blob");
  }
  close() {
    this.cat.close();
  }
};
function notLedger(commit, why) {
  throw new ShiplogError(
    "BAD_INPUT",
    `the ledger branch tip ${commit} is not a shiplog v2 ledger commit (${why}); run "shiplog verify" and check the branch name`
  );
}
async function readTipCommit(objects, commit) {
  const c = parseCommit(await objects.object(commit, "commit"));
  const trailers = validTrailers(readTrailers(c.message));
  if (!trailers) notLedger(commit, "missing or malformed Shiplog-Seq/-Entry/-Origin/-Subject trailers");
  let entryBlob;
  let checkpointBlob;
  let indexTree;
  for (const e of parseTree(await objects.tree(c.tree))) {
    if (e.name === ENTRY_FILE && e.mode === BLOB_MODE) entryBlob = e.sha;
    else if (e.name === CHECKPOINT_FILE && e.mode === BLOB_MODE) checkpointBlob = e.sha;
    else if (e.name === INDEX_DIR && e.mode === TREE_MODE) indexTree = e.sha;
    else notLedger(commit, `unexpected "${e.name}" in its tree`);
  }
  if (!entryBlob || !checkpointBlob) notLedger(commit, `no ${ENTRY_FILE} or ${CHECKPOINT_FILE}`);
  return { ...trailers, commit, tree: c.tree, entryBlob, checkpointBlob, indexTree };
}
async function openTip(location) {
  const repo = await openRepo(location, "tip");
  const remote = await fetchTip(repo);
  if (!remote) {
    throw new ShiplogError(
      "BRANCH_NOT_FOUND",
      `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`
    );
  }
  const objects = new TipObjects(repo);
  try {
    const tip = await readTipCommit(objects, remote.commit);
    const index = await IndexModel.at(tip.indexTree, objects);
    return { repo, objects, tip, index, close: () => objects.close() };
  } catch (e) {
    objects.close();
    throw e;
  }
}

// src/ledger/append.ts
function deployChange(p) {
  if (p.type !== "deploy" || !p.environment) return void 0;
  const status = p.details?.status;
  if (status === void 0 || status === "success")
    return { repository: p.repository, environment: p.environment, kind: "success" };
  if (status === "rolled-back")
    return { repository: p.repository, environment: p.environment, kind: "rolled-back" };
  return { repository: p.repository, environment: p.environment, kind: "other" };
}
function indexLineOf(p, hash3, blob) {
  return {
    commit: p.commit,
    seq: p.seq,
    hash: hash3,
    blob,
    type: p.type,
    ...p.environment ? { environment: p.environment } : {},
    repository: p.repository
  };
}
function entryFileBytes(envelope) {
  return Buffer.from(JSON.stringify(envelope) + "\n");
}
async function buildOn(gitDir, objects, tip, index, req) {
  const seq = tip ? tip.seq + 1 : 0;
  const prev = tip ? tip.entry : GENESIS_PREV;
  const origin = tip ? tip.origin : checkOrigin(req.origin ?? `shiplog/${req.location.branch}`);
  const predicate = { seq, prev, ...req.entry };
  const statement = buildStatement(predicate, req.serverUrl);
  const { envelope, hash: hash3 } = signEnvelope(statementBytes(statement), req.key);
  const checkpoint = signCheckpoint({ origin, size: seq + 1, head: hash3 }, req.key);
  const entryBytes = entryFileBytes(envelope);
  const entryBlob = writeLooseObject(gitDir, "blob", entryBytes);
  const checkpointBlob = writeLooseObject(gitDir, "blob", Buffer.from(checkpoint));
  const line = indexLineOf(statement.predicate, hash3, entryBlob);
  const deploy = deployChange(statement.predicate);
  await objects.fetch(await index.wantedBlobs(line.commit, deploy));
  await index.prepare(line, deploy);
  const step = index.apply(line, deploy);
  for (const o of step.objects) writeLooseObject(gitDir, o.type, o.content);
  const root = writeLooseObject(
    gitDir,
    "tree",
    serializeTree([
      { mode: BLOB_MODE, name: ENTRY_FILE, sha: entryBlob },
      { mode: BLOB_MODE, name: CHECKPOINT_FILE, sha: checkpointBlob },
      { mode: TREE_MODE, name: INDEX_DIR, sha: step.tree }
    ])
  );
  const commit = writeLooseObject(
    gitDir,
    "commit",
    serializeCommit({
      tree: root,
      parents: tip ? [tip.commit] : [],
      author: {
        name: "shiplog",
        email: "shiplog@users.noreply.github.com",
        date: new Date(req.entry.timestamp)
      },
      message: ledgerCommitMessage({
        seq,
        entry: hash3,
        origin,
        subject: req.entry.commit,
        type: req.entry.type,
        environment: req.entry.environment
      })
    })
  );
  return { seq, hash: hash3, commit, envelope, checkpoint };
}
async function findDuplicate(objects, index, entry) {
  const files = await index.bucketFiles(entry.commit);
  const listOid = files.lists.find((l) => l.level === 1)?.oid;
  await objects.fetch([files.open?.oid, listOid].filter((o) => !!o));
  const lines2 = files.open ? segmentLines2(await objects.blob(files.open.oid)) : [];
  if (listOid && lines2.length < 16) {
    const refs = parseSealedList((await objects.blob(listOid)).toString("utf8")) ?? [];
    const last = refs[refs.length - 1];
    if (last) lines2.push(...segmentLines2(await objects.blob(last.blob)));
  }
  const candidates = lines2.filter(
    (l) => l.commit === entry.commit && l.type === entry.type && (l.environment ?? "") === (entry.environment ?? "")
  );
  if (candidates.length === 0) return void 0;
  const blobs = await objects.blobs(candidates.map((c) => c.blob));
  for (let i = candidates.length - 1; i >= 0; i--) {
    try {
      if (decodeEntry(blobs[i].toString("utf8")).statement.predicate.idempotency_key === entry.idempotency_key)
        return { seq: candidates[i].seq, blob: candidates[i].blob };
    } catch {
    }
  }
  return void 0;
}
function segmentLines2(b) {
  return parseSegment(b.toString("utf8")).filter((l) => !!l);
}
function backoffMs(attempt) {
  const max = Number(process.env.SHIPLOG_APPEND_BACKOFF_MAX_MS) || 2e3;
  const cap = Math.min(max, 40 * 2 ** Math.min(attempt, 10));
  return Math.floor(cap / 2 + Math.random() * (cap / 2));
}
var AppendError = class extends ShiplogError {
  envelope;
  constructor(message, envelope, cause) {
    super("APPEND_EXHAUSTED", message, { cause, details: { envelope } });
    this.envelope = envelope;
  }
};
async function appendEntry(req) {
  checkIndexText("environment", req.entry.environment);
  checkIndexText("repository", req.entry.repository);
  const maxAttempts = req.maxAttempts ?? (Number(process.env.SHIPLOG_APPEND_ATTEMPTS) || 30);
  const repo = await openRepo(req.location, "tip");
  let lastEnvelope;
  let lastReason = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const objects = new TipObjects(repo);
    try {
      const guess = attempt === 1 ? cachedTip(repo) : void 0;
      const remoteTip = guess ?? await fetchTip(repo);
      const tip = remoteTip ? await readTipCommit(objects, remoteTip.commit) : void 0;
      const index = tip ? await IndexModel.at(tip.indexTree, objects) : IndexModel.empty();
      if (tip && req.entry.idempotency_key && !req.allowDuplicate) {
        const dup = await findDuplicate(objects, index, req.entry);
        if (dup)
          return { ...await describeExisting(repo, objects, tip, dup), attempts: attempt, duplicate: true };
      }
      const built = await buildOn(repo.gitDir, objects, tip, index, req);
      lastEnvelope = built.envelope;
      const pushed = await pushCommit(repo, built.commit);
      if (pushed.outcome === "pushed") {
        rememberTip(repo, built.commit);
        return { ...built, attempts: attempt, duplicate: false };
      }
      lastReason = pushed.outcome === "lost-race" ? "another writer appended first" : `the remote refused the push: ${pushed.message}`;
    } catch (e) {
      if (e instanceof ShiplogError && !["GIT_FAILED", "GIT_TIMEOUT"].includes(e.code)) {
        throw lastEnvelope ? new AppendError(e.message, lastEnvelope, e) : e;
      }
      lastReason = e.message;
    } finally {
      objects.close();
    }
    if (attempt < maxAttempts) {
      req.onRetry?.(attempt, lastReason);
      await sleep(backoffMs(attempt));
    }
  }
  const envelope = lastEnvelope ?? provisionalEnvelope(req);
  throw new AppendError(`could not append after ${maxAttempts} attempts: ${lastReason}`, envelope);
}
function provisionalEnvelope(req) {
  const statement = buildStatement({ seq: 0, prev: GENESIS_PREV, ...req.entry }, req.serverUrl);
  return signEnvelope(statementBytes(statement), req.key).envelope;
}
async function describeExisting(repo, objects, tip, dup) {
  const [entryBytes, checkpoint] = await objects.blobs([dup.blob, tip.checkpointBlob]);
  const decoded = decodeEntry(entryBytes.toString("utf8"));
  const commit = await ledgerCommitOfSeq(repo, tip, dup.seq) ?? "";
  return {
    seq: dup.seq,
    hash: decoded.hash,
    commit,
    envelope: decoded.envelope,
    checkpoint: checkpoint.toString("utf8")
  };
}

// src/ledger/query.ts
async function findEntries(location, filter) {
  const prefix = filter.commit ? checkCommitPrefix(filter.commit) : void 0;
  const view = await openTip(location);
  try {
    const keep = (l) => (!filter.environment || l.environment === filter.environment) && (!filter.type || l.type === filter.type);
    if (prefix) return await entriesForCommit(view, prefix, keep, filter.limit);
    return await readEntries(view, await newestLines(view, keep, filter.limit));
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
    const [entry] = await readEntries(view, [line]);
    return { ...entry, ledgerCommit: await ledgerCommitOfSeq(view.repo, view.tip, line.seq) };
  } finally {
    view.close();
  }
}

// src/ledger/verify.ts
import { availableParallelism } from "node:os";

// src/ledger/check-entry.ts
function decodeForVerify(input, trusted2) {
  const facts = { path: input.path };
  try {
    const entry = decodeEntry(input.text);
    const p = entry.statement.predicate;
    Object.assign(facts, {
      seq: p.seq,
      hash: entry.hash,
      prev: p.prev,
      commit: p.commit,
      type: p.type,
      environment: p.environment,
      idempotencyKey: p.idempotency_key
    });
    const job = {
      paeBytes: entry.paeBytes,
      candidates: signatureCandidates(entry.envelope, trusted2),
      keyids: entry.envelope.signatures.map((s) => s.keyid)
    };
    return { facts, job, entry };
  } catch (e) {
    facts.problem = e instanceof EntryProblem ? { kind: e.kind, message: e.message } : { kind: "envelope", message: String(e) };
    return { facts };
  }
}
function applySigner(facts, job, signer, trusted2) {
  if (signer >= 0) {
    facts.keyid = trusted2[signer].keyid;
    return;
  }
  const ids = job.keyids.map((k) => k.slice(0, 16)).join(", ");
  facts.problem = {
    kind: "signature",
    message: `no signature by a trusted key (signed with keyid ${ids || "none"})`
  };
}

// src/ledger/history.ts
var FORMAT = "%x01%H %P%x02%T%x02%B%x03";
async function readHistory(gitDir, tip, opts = {}) {
  const args = ["log", "--first-parent", `--format=${FORMAT}`];
  if (opts.max !== void 0) args.push(`--max-count=${opts.max}`);
  args.push(tip, "--");
  const r = await git(args, { gitDir, bulkOutput: true });
  return parseHistory(r.stdout.toString("utf8")).reverse();
}
function parseHistory(out) {
  const commits = [];
  let pos = 0;
  while (pos < out.length) {
    const start = out.indexOf("", pos);
    if (start < 0) break;
    const end = out.indexOf("", start);
    if (end < 0) break;
    const [head = "", tree = "", ...body] = out.slice(start + 1, end).split("");
    const [sha = "", ...parents] = head.trim().split(" ").filter(Boolean);
    commits.push({ sha, parents, tree: tree.trim(), trailers: readTrailers(body.join("")) });
    pos = end + 1;
  }
  return commits;
}

// src/ledger/index-diagnosis.ts
var NULL_OID = "0".repeat(40);
async function indexChanges(gitDir, parent, commit) {
  const args = ["diff-tree", "-r", "--no-renames", "--no-abbrev", "-z", "--raw"];
  args.push(...parent ? [parent, commit] : ["--root", commit], "--", INDEX_DIR);
  const out = (await git(args, { gitDir })).stdout.toString("utf8").split("\0");
  const changes = [];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const meta = out[i].replace(/^[^:]*:/, "").split(" ");
    if (meta.length < 5) continue;
    changes.push({ oldBlob: meta[2], newBlob: meta[3], status: meta[4], path: out[i + 1] });
  }
  return changes;
}
function knownIndexPath(path) {
  if (path === DEPLOYS_PATH) return true;
  const m = /^index\/[0-9a-f]\/[0-9a-f]\/([^/]+)$/.exec(path);
  return !!m && (segmentSeq(m[1]) !== void 0 || sealedLevel(m[1]) !== void 0);
}
async function lines(reader, oid) {
  if (oid === NULL_OID) return [];
  return (await reader.blob(oid)).toString("utf8").split("\n").filter(Boolean);
}
function lineDifferences(found, want) {
  if (!found) return "it does not parse as an index line";
  const fields = ["commit", "seq", "hash", "blob", "type", "environment", "repository"];
  return fields.filter((f) => (found[f] ?? "") !== (want[f] ?? "")).map(
    (f) => `${f} is ${found[f] ?? "(none)"} but ${f === "blob" ? "the entry's entry.json is" : "the entry says"} ${want[f] ?? "(none)"}`
  ).join("; ");
}
async function diagnoseIndex(gitDir, m, reader) {
  const where = { commit: m.commit, seq: m.line?.seq };
  const short2 = m.commit.slice(0, 12);
  const problems = [];
  let changes;
  try {
    changes = await indexChanges(gitDir, m.parent, m.commit);
  } catch (e) {
    return [
      {
        check: "index",
        ...where,
        message: `commit ${short2}: its index could not be compared: ${e.message}`
      }
    ];
  }
  if (!m.line) {
    return [
      {
        check: "index",
        ...where,
        message: `commit ${short2}: its index could not be checked (its entry is unreadable)`
      }
    ];
  }
  const dir = `${bucketDir(m.line.commit)}/`;
  const want = formatIndexLine(m.line).trimEnd();
  const added = [];
  const removed = [];
  const sealedRefs = /* @__PURE__ */ new Set();
  for (const c of changes) {
    if (!knownIndexPath(c.path)) {
      problems.push({
        check: "tree",
        ...where,
        file: c.path,
        message: `commit ${short2} ${c.status === "D" ? "removes" : "holds"} ${c.path}, which is no part of the ledger's index`
      });
      continue;
    }
    if (c.path === DEPLOYS_PATH) continue;
    const name = c.path.slice(c.path.lastIndexOf("/") + 1);
    if (!c.path.startsWith(dir)) {
      problems.push({
        check: "index",
        ...where,
        file: c.path,
        message: `commit ${short2} changes ${c.path}, but its entry (seq ${m.line.seq}, commit ${m.line.commit.slice(0, 12)}) belongs in ${dir}`
      });
      continue;
    }
    const before = await lines(reader, c.oldBlob);
    const after = await lines(reader, c.newBlob);
    if (sealedLevel(name) !== void 0) {
      const old = new Set(before);
      for (const l of after)
        if (!old.has(l)) for (const r of parseSealedList(l) ?? []) sealedRefs.add(r.blob);
      continue;
    }
    const count = /* @__PURE__ */ new Map();
    for (const l of before) count.set(l, (count.get(l) ?? 0) + 1);
    for (const l of after) {
      const n = count.get(l) ?? 0;
      if (n > 0) count.set(l, n - 1);
      else added.push(l);
    }
    if (c.status === "D" && sealedRefs.has(c.oldBlob)) continue;
    if (c.status === "D") {
      const sealedLater = changes.some(
        (x) => sealedLevel(x.path.slice(x.path.lastIndexOf("/") + 1)) !== void 0
      );
      if (sealedLater) continue;
    }
    for (const [l, n] of count) for (let i = 0; i < n; i++) removed.push(l);
  }
  if (removed.length) {
    const seqs = removed.map((l) => parseIndexLine(l)?.seq ?? "?").join(", ");
    problems.push({
      check: "index",
      ...where,
      message: `commit ${short2} changes or removes index lines recorded before it (seq ${seqs})`
    });
  }
  const extra = added.filter((l) => l !== want);
  if (added.length !== 1 || extra.length) {
    if (added.length === 1) {
      problems.push({
        check: "index",
        ...where,
        message: `commit ${short2}: the index line for seq ${m.line.seq} is wrong: ${lineDifferences(parseIndexLine(extra[0]), m.line)}`
      });
    } else if (added.length !== 1 || !removed.length) {
      problems.push({
        check: "index",
        ...where,
        message: `commit ${short2} adds ${added.length} index lines; one entry adds exactly one${extra.length ? ` (also: seq ${extra.map((l) => parseIndexLine(l)?.seq ?? "?").join(", ")})` : ""}`
      });
    }
  }
  if (problems.length === 0) {
    problems.push({
      check: "index",
      ...where,
      message: `commit ${short2}: the index is not its parent's index plus the line of seq ${m.line.seq}${changes.some((c) => c.path === DEPLOYS_PATH) || m.line.type === "deploy" ? ` (${DEPLOYS_PATH} does not summarise the deploys the entries record)` : ""}`
    });
  }
  return problems;
}

// src/ledger/signature-pool.ts
import { Worker } from "node:worker_threads";
function packBatch(id, jobs) {
  let paeLen = 0;
  let sigCount = 0;
  for (const j of jobs) {
    paeLen += j.paeBytes.length;
    sigCount += j.candidates.length;
  }
  const b = {
    id,
    pae: new Uint8Array(paeLen),
    paeEnds: new Uint32Array(jobs.length),
    sigs: new Uint8Array(sigCount * 64),
    sigEnds: new Uint32Array(jobs.length),
    hints: new Int32Array(sigCount)
  };
  let p = 0;
  let s = 0;
  jobs.forEach((j, i) => {
    b.pae.set(j.paeBytes, p);
    p += j.paeBytes.length;
    b.paeEnds[i] = p;
    for (const c of j.candidates) {
      b.sigs.set(c.sig, s * 64);
      b.hints[s++] = c.hint;
    }
    b.sigEnds[i] = s;
  });
  return b;
}
function startWorker(pems) {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL("./verify-worker.js", self), { workerData: { pems } });
  const target = JSON.stringify(new URL("./verify-worker.ts", self).href);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${target}); });`;
  return new Worker(boot, { eval: true, workerData: { pems } });
}
var SignaturePool = class {
  workers;
  next = 0;
  ids = 0;
  waiting = /* @__PURE__ */ new Map();
  maxInFlight;
  drained = [];
  constructor(size, trusted2) {
    const pems = trusted2.map((k) => k.publicKey.export({ type: "spki", format: "pem" }).toString());
    this.maxInFlight = size * 4;
    this.workers = Array.from({ length: size }, () => {
      const w = startWorker(pems);
      w.on(
        "message",
        (m) => this.settle(m.id, (p) => p.resolve(m.signers))
      );
      w.on("error", (e) => {
        for (const id of [...this.waiting.keys()]) this.settle(id, (p) => p.reject(e));
      });
      return w;
    });
  }
  /** Signer index per job (into the trusted keys), or -1. */
  run(jobs) {
    const batch = packBatch(this.ids++, jobs);
    const w = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve3, reject) => {
      this.waiting.set(batch.id, { resolve: resolve3, reject });
      w.postMessage(batch, [
        batch.pae.buffer,
        batch.paeEnds.buffer,
        batch.sigs.buffer,
        batch.sigEnds.buffer,
        batch.hints.buffer
      ]);
    });
  }
  /** Resolves once there is room for another batch; undefined when there already is. */
  room() {
    if (this.waiting.size < this.maxInFlight) return void 0;
    return new Promise((resolve3) => this.drained.push(resolve3));
  }
  settle(id, how) {
    const p = this.waiting.get(id);
    if (!p) return;
    this.waiting.delete(id);
    how(p);
    if (this.waiting.size < this.maxInFlight) for (const d of this.drained.splice(0)) d();
  }
  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
};

// src/ledger/verify.ts
var ROOT_NAMES = /* @__PURE__ */ new Set([ENTRY_FILE, CHECKPOINT_FILE, INDEX_DIR]);
var Checker = class {
  constructor(index, reader, trusted2, pool, collect2, start) {
    this.index = index;
    this.reader = reader;
    this.trusted = trusted2;
    this.pool = pool;
    this.collect = collect2;
    this.highest = start.seq - 1;
    this.start = start;
  }
  index;
  reader;
  trusted;
  pool;
  collect;
  problems = [];
  positions = [];
  mismatches = [];
  verified = [];
  origin;
  tipCheckpointBlob;
  /** Incremental verify: the entry the earlier checkpoint ends with (stands in when nothing is new). */
  anchor;
  /** The highest seq seen so far, and every readable entry by seq (for repeats and prev links). */
  highest;
  bySeq = /* @__PURE__ */ new Map();
  start;
  prevRootExtras = /* @__PURE__ */ new Set();
  pending = [];
  batch = [];
  /** Index work still running for an earlier commit: later commits wait their turn behind it. */
  busy;
  /**
   * Checks the next commit. Returns a promise when the caller should wait (index reads, busy
   * workers); commits handed over meanwhile are queued, so they are always checked in order.
   */
  step(item) {
    const wait = this.busy ? this.busy.then(() => this.stepNow(item)) : this.stepNow(item);
    if (!wait) return void 0;
    const tracked = wait.finally(() => {
      if (this.busy === tracked) this.busy = void 0;
    });
    this.busy = tracked;
    return tracked;
  }
  stepNow(item) {
    const { commit: c } = item;
    const at = this.positions.length;
    const where = { commit: c.sha };
    if (c.parents.length > 1) {
      this.problems.push({
        check: "history",
        ...where,
        message: `commit ${short(c.sha)} is a merge (${c.parents.length} parents); the ledger must be linear`
      });
    }
    const root = this.rootTree(item);
    const pos = { commit: c.sha };
    this.positions.push(pos);
    let facts;
    let job;
    let decoded;
    if (item.entry) {
      ({
        facts,
        job,
        entry: decoded
      } = decodeForVerify({ path: ENTRY_FILE, text: item.entry.data.toString("utf8") }, this.trusted));
      pos.facts = facts;
      pos.seq = facts.seq;
      pos.hash = facts.hash;
      if (facts.problem) {
        this.problems.push({
          check: facts.problem.kind,
          seq: facts.seq,
          ...where,
          file: ENTRY_FILE,
          message: facts.problem.message
        });
      }
    }
    this.chain(pos, c);
    this.trailers(pos, c);
    if (job) this.queueSignature(at, job);
    if (this.collect && decoded && item.entry) this.keep(pos, decoded, item.entry.sha);
    const wait = this.indexStep(item, at, root?.index, decoded);
    const room = job && this.batch.length === 0 ? this.pool?.room() : void 0;
    if (wait && room) return Promise.all([wait, room]).then(() => void 0);
    return wait ?? room;
  }
  rootTree(item) {
    const c = item.commit;
    if (!item.root || item.root.type !== "tree") {
      this.problems.push({
        check: "tree",
        commit: c.sha,
        message: `commit ${short(c.sha)} has no readable tree`
      });
      return void 0;
    }
    let index;
    let checkpoint;
    const extras = /* @__PURE__ */ new Set();
    const seen = /* @__PURE__ */ new Set();
    for (const e of parseTree(item.root.data)) {
      seen.add(e.name);
      const expected = e.name === INDEX_DIR ? TREE_MODE : BLOB_MODE;
      if (!ROOT_NAMES.has(e.name) || e.mode !== expected) extras.add(`${e.name} (${e.mode})`);
      else if (e.name === INDEX_DIR) index = e.sha;
      else if (e.name === CHECKPOINT_FILE) checkpoint = e.sha;
    }
    const added = [...extras].filter((x) => !this.prevRootExtras.has(x));
    if (added.length) {
      this.problems.push({
        check: "tree",
        commit: c.sha,
        file: added[0].split(" ")[0],
        message: `commit ${short(c.sha)} holds ${added.join(", ")} at the top of its tree; a ledger commit holds only ${ENTRY_FILE}, ${CHECKPOINT_FILE} and ${INDEX_DIR}/`
      });
    }
    this.prevRootExtras = extras;
    const missing = [...ROOT_NAMES].filter((n) => !seen.has(n));
    if (missing.length) {
      this.problems.push({
        check: "tree",
        commit: c.sha,
        message: `commit ${short(c.sha)} has no ${missing.join(", ")}`
      });
    }
    this.tipCheckpointBlob = checkpoint;
    return { index, checkpoint };
  }
  /**
   * Sequence: each entry must hold the seq after the highest so far. A gap, a repeat and an entry
   * out of order are each named once; the `prev` link is checked at the end (prevProblems), when
   * it is known which entries are trusted.
   */
  chain(pos, c) {
    if (pos.seq === void 0) {
      this.highest += 1;
      return;
    }
    const seq = pos.seq;
    const where = { seq, commit: c.sha };
    const earlier = this.bySeq.get(seq);
    if (earlier) {
      this.problems.push({
        check: "seq",
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} again (first in commit ${short(earlier.commit)}): an entry was repeated`
      });
      return;
    }
    this.bySeq.set(seq, pos);
    if (seq < this.highest) {
      this.problems.push({
        check: "seq",
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} after seq ${this.highest}: entries are out of order`
      });
      return;
    }
    if (seq > this.highest + 1) {
      const from = this.highest + 1;
      this.problems.push({
        check: "seq",
        ...where,
        message: `commit ${short(c.sha)} holds seq ${seq} where seq ${from} belongs: ${seq - from === 1 ? `entry ${from} is` : `entries ${from}..${seq - 1} are`} missing before it`
      });
    }
    this.highest = seq;
    pos.linked = true;
  }
  trailers(pos, c) {
    const t = validTrailers(c.trailers);
    const where = { seq: pos.seq, commit: c.sha };
    if (!t) {
      this.problems.push({
        check: "trailer",
        ...where,
        message: `commit ${short(c.sha)} lacks well-formed Shiplog-Seq, -Entry, -Origin and -Subject trailers`
      });
      return;
    }
    this.origin ??= t.origin;
    const f = pos.facts;
    const wrong = [];
    if (pos.seq !== void 0 && t.seq !== pos.seq) wrong.push(`Shiplog-Seq ${t.seq} (entry: ${pos.seq})`);
    if (f?.hash && t.entry !== f.hash) wrong.push(`Shiplog-Entry ${t.entry} (entry hashes to ${f.hash})`);
    if (f?.commit && t.subject !== f.commit) wrong.push(`Shiplog-Subject ${t.subject} (entry: ${f.commit})`);
    if (t.origin !== this.origin) wrong.push(`Shiplog-Origin "${t.origin}" (the ledger's: "${this.origin}")`);
    if (wrong.length)
      this.problems.push({
        check: "trailer",
        ...where,
        message: `commit ${short(c.sha)} trailers disagree with its entry: ${wrong.join("; ")}`
      });
  }
  queueSignature(at, job) {
    if (!this.pool) {
      const signer = signerIndex(
        job.paeBytes,
        job.candidates,
        this.trusted.map((k) => k.publicKey)
      );
      applySigner(this.positions[at].facts, job, signer, this.trusted);
      return;
    }
    this.batch.push({ pos: at, job });
    if (this.batch.length >= 256) this.flush();
  }
  flush() {
    if (!this.pool || !this.batch.length) return;
    const items = this.batch;
    this.batch = [];
    this.pending.push(
      this.pool.run(items.map((b) => b.job)).then(
        (signers) => items.forEach(
          (b, k) => applySigner(this.positions[b.pos].facts, b.job, signers[k], this.trusted)
        )
      )
    );
  }
  async signatures() {
    this.flush();
    await Promise.all(this.pending);
  }
  keep(pos, d, blob) {
    this.verified.push({
      seq: pos.seq,
      hash: d.hash,
      ledgerCommit: pos.commit,
      blob,
      statement: d.statement,
      envelope: d.envelope
    });
  }
  /** Checks this commit's index tree; returns a promise when parts of the index must be read. */
  indexStep(item, at, actual, d) {
    if (!d || !item.entry || !actual) {
      return this.resync(actual);
    }
    const line = indexLineOf(d.statement.predicate, d.hash, item.entry.sha);
    const deploy = deployChange(d.statement.predicate);
    const run = () => {
      const { tree } = this.index.apply(line, deploy, { objects: false });
      if (tree === actual) return void 0;
      this.mismatches.push({ at, parent: item.commit.parents[0], commit: item.commit.sha, line });
      return this.resync(actual);
    };
    if (this.index.ready(line, deploy)) return run();
    return this.index.prepare(line, deploy).then(
      () => run(),
      () => {
        this.mismatches.push({ at, parent: item.commit.parents[0], commit: item.commit.sha, line });
        return this.resync(actual);
      }
    );
  }
  resync(actual) {
    return IndexModel.at(actual, this.reader, { tolerant: true }).then((m) => {
      this.index = m;
    });
  }
  /**
   * `prev` links, reported only where the entry before is readable and trusted: a link into an
   * entry that is itself forged or unreadable says nothing new (that entry is already named).
   */
  prevProblems() {
    for (const p of this.positions) {
      if (!p.linked || p.seq === void 0 || !p.facts || p.facts.prev === void 0) continue;
      let expected;
      if (p.seq === this.start.seq) expected = this.start.prev;
      else {
        const before = this.bySeq.get(p.seq - 1);
        if (before?.facts && !before.facts.problem) expected = before.hash;
      }
      if (expected !== void 0 && p.facts.prev !== expected) {
        this.problems.push({
          check: "prev",
          seq: p.seq,
          commit: p.commit,
          message: `prev is ${p.facts.prev} but the entry before it hashes to ${expected}`
        });
      }
    }
  }
  signatureProblems() {
    for (const p of this.positions) {
      const prob = p.facts?.problem;
      if (prob?.kind === "signature")
        this.problems.push({
          check: "signature",
          seq: p.seq,
          commit: p.commit,
          file: ENTRY_FILE,
          message: prob.message
        });
    }
  }
};
function short(sha) {
  return sha.slice(0, 12);
}
var LocalObjects = class {
  cat;
  constructor(gitDir) {
    this.cat = new CatFileSession(gitDir);
  }
  async tree(oid) {
    return this.get(oid, "tree");
  }
  async blob(oid) {
    return this.get(oid, "blob");
  }
  async get(oid, type) {
    const [o] = await this.cat.get([oid]);
    if (!o || o.type !== type) throw new Error(`${type} ${oid} is missing`);
    return o.data;
  }
  close() {
    this.cat.close();
  }
};
async function verifyLedger(opts) {
  if (opts.since !== void 0) return verifySince(opts);
  const repo = await openRepo(opts.location, "history");
  const tip = await fetchTip(repo);
  if (!tip) throw branchNotFound(opts.location);
  const commits = await readHistory(repo.gitDir, tip.commit);
  const reader = new LocalObjects(repo.gitDir);
  const pool = startPool(opts, commits.length);
  try {
    const checker = new Checker(IndexModel.empty(), reader, opts.trusted, pool, !!opts.collect, {
      seq: 0,
      prev: GENESIS_PREV
    });
    if (commits[0] && commits[0].parents.length > 0) {
      checker.problems.push({
        check: "history",
        commit: commits[0].sha,
        message: `the first ledger commit ${short(commits[0].sha)} has a parent: the branch is not an orphan`
      });
    }
    await runChecks(repo.gitDir, commits, checker);
    return await finish(opts, repo, reader, checker, commits, { tip: tip.commit, firstSeq: 0 });
  } finally {
    reader.close();
    await pool?.close();
  }
}
function startPool(opts, count) {
  const workersFrom = opts.workersFrom ?? 2e3;
  if (count < workersFrom || (opts.jobs ?? 1) < 1) return void 0;
  return new SignaturePool(Math.min(opts.jobs ?? 1, 64), opts.trusted);
}
async function runChecks(gitDir, commits, checker) {
  const specs = commits.flatMap((c) => [c.tree, `${c.tree}:${ENTRY_FILE}`]);
  let root;
  await catFileBatch(gitDir, specs, (i, obj) => {
    if (i % 2 === 0) {
      root = obj;
      return;
    }
    return checker.step({ commit: commits[i >> 1], root, entry: obj });
  });
  await checker.signatures();
}
async function finish(opts, repo, reader, checker, commits, at) {
  checker.signatureProblems();
  checker.prevProblems();
  for (const m of checker.mismatches) {
    checker.problems.push(...await diagnoseIndex(repo.gitDir, m, reader));
  }
  const last = checker.positions[checker.positions.length - 1] ?? checker.anchor;
  const checkpointText = checker.tipCheckpointBlob ? (await reader.blob(checker.tipCheckpointBlob)).toString("utf8") : void 0;
  const checkpoint = checkCheckpoint(
    checkpointText,
    opts.trusted,
    last,
    checker.origin,
    checker.problems,
    at.tip
  );
  const hashes = new Map(checker.positions.map((p) => [p.seq, p.hash]));
  const older = opts.olderCheckpoint ? checkOlder(opts.olderCheckpoint, opts.trusted, last?.seq, hashes, checker.origin, checker.problems) : void 0;
  const problems = checker.problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  const keys = /* @__PURE__ */ new Set();
  for (const p of checker.positions) if (p.facts?.keyid) keys.add(p.facts.keyid);
  if (opts.collect) {
    const keyOf = new Map(checker.positions.map((p) => [p.commit, p.facts?.keyid]));
    for (const v of checker.verified) v.keyid = keyOf.get(v.ledgerCommit);
  }
  const entries = last?.seq !== void 0 ? last.seq + 1 : commits.length;
  return {
    ok: problems.length === 0,
    remote: opts.location.remote,
    branch: opts.location.branch,
    tip: at.tip,
    entries,
    checked: checker.positions.length,
    head: last?.hash,
    checkpoint,
    ...checkpointText !== void 0 ? { checkpointText } : {},
    olderCheckpoint: older,
    ...at.since ? { since: at.since } : {},
    keys: [...keys],
    problems,
    ...opts.collect ? { verified: checker.verified.filter((v) => v.seq >= at.firstSeq) } : {}
  };
}
function checkCheckpoint(text, trusted2, last, origin, problems, tip) {
  const where = { commit: tip, file: CHECKPOINT_FILE };
  if (text === void 0) {
    problems.push({ check: "checkpoint", ...where, message: "the ledger tip has no checkpoint file" });
    return void 0;
  }
  let cp;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: "checkpoint", ...where, message: e.message });
    return void 0;
  }
  if (!checkpointSigner(cp, trusted2)) {
    problems.push({
      check: "checkpoint",
      ...where,
      message: "checkpoint signature is not valid for any trusted key"
    });
  }
  if (last?.seq !== void 0 && cp.size !== last.seq + 1) {
    problems.push({
      check: "checkpoint",
      ...where,
      message: `checkpoint counts ${cp.size} entries but the tip entry is seq ${last.seq}`
    });
  } else if (last?.hash && cp.head !== last.hash) {
    problems.push({
      check: "checkpoint",
      ...where,
      message: `checkpoint head ${cp.head} is not the tip entry's hash ${last.hash}`
    });
  }
  if (origin && cp.origin !== origin) {
    problems.push({
      check: "checkpoint",
      ...where,
      message: `checkpoint origin "${cp.origin}" differs from the ledger's "${origin}"`
    });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head };
}
function checkOlder(text, trusted2, lastSeq, hashes, origin, problems) {
  let cp;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: "consistency", message: `older checkpoint: ${e.message}` });
    return void 0;
  }
  const before = problems.length;
  checkOlderSignature(cp, trusted2, origin, problems);
  const size = lastSeq === void 0 ? 0 : lastSeq + 1;
  if (cp.size > size) {
    problems.push({
      check: "consistency",
      message: `the ledger has ${size} entries but an earlier checkpoint saw ${cp.size}: entries were removed (truncation or rewrite)`
    });
  } else if (cp.size > 0 && hashes.get(cp.size - 1) !== cp.head) {
    problems.push({
      check: "consistency",
      seq: cp.size - 1,
      message: `entry ${cp.size - 1} hashes to ${hashes.get(cp.size - 1) ?? "(unreadable)"} but the earlier checkpoint recorded ${cp.head}: history was rewritten (fork)`
    });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head, consistent: problems.length === before };
}
function checkOlderSignature(cp, trusted2, origin, problems) {
  if (!checkpointSigner(cp, trusted2))
    problems.push({ check: "consistency", message: "the older checkpoint is not signed by a trusted key" });
  if (origin && cp.origin !== origin) {
    problems.push({
      check: "consistency",
      message: `the older checkpoint is for "${cp.origin}", not this ledger ("${origin}")`
    });
  }
}
function branchNotFound(location) {
  return new ShiplogError(
    "BRANCH_NOT_FOUND",
    `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`
  );
}
async function verifySince(opts) {
  let cp;
  try {
    cp = parseCheckpoint(opts.since);
  } catch (e) {
    throw new ShiplogError("BAD_INPUT", `--since: ${e.message}`);
  }
  if (cp.size === 0) return verifyLedger({ ...opts, since: void 0 });
  const since = { origin: cp.origin, size: cp.size, head: cp.head };
  const repo = await openRepo(opts.location, "tip");
  const remote = await fetchTip(repo);
  if (!remote) throw branchNotFound(opts.location);
  const objects = new TipObjects(repo);
  let pool;
  try {
    const tip = await readTipCommit(objects, remote.commit);
    const problems = [];
    checkOlderSignature(cp, opts.trusted, tip.origin, problems);
    const count = tip.seq - (cp.size - 1) + 1;
    if (count < 1) {
      problems.push({
        check: "consistency",
        message: `the ledger has ${tip.seq + 1} entries but the checkpoint given to --since saw ${cp.size}: entries were removed (truncation or rewrite)`
      });
      return {
        ok: false,
        remote: opts.location.remote,
        branch: opts.location.branch,
        tip: tip.commit,
        entries: tip.seq + 1,
        checked: 0,
        head: tip.entry,
        since,
        keys: [],
        problems
      };
    }
    await fetchAncestry(repo, tip.commit, count, { trees: true });
    const commits = await readHistory(repo.gitDir, tip.commit, { max: count });
    const roots = await Promise.all(commits.map((c) => objects.tree(c.tree)));
    const entryBlobs = roots.map((r) => parseTree(r).find((e) => e.name === ENTRY_FILE)?.sha);
    await fetchObjects(repo, [...entryBlobs.filter((b) => !!b), tip.checkpointBlob]);
    const anchor = commits[0];
    const anchorIndex = parseTree(roots[0]).find((e) => e.name === INDEX_DIR && e.mode === TREE_MODE)?.sha;
    const index = await IndexModel.at(anchorIndex, objects, { tolerant: true });
    pool = startPool(opts, count);
    const checker = new Checker(index, objects, opts.trusted, pool, !!opts.collect, {
      seq: cp.size,
      prev: cp.head
    });
    checker.problems.push(...problems);
    checker.origin = tip.origin;
    const anchorEntry = entryBlobs[0] ? (await objects.blobs([entryBlobs[0]]))[0] : void 0;
    let anchorHash;
    try {
      anchorHash = anchorEntry ? decodeEntry(anchorEntry.toString("utf8")).hash : void 0;
    } catch {
      anchorHash = void 0;
    }
    checker.anchor = { seq: cp.size - 1, hash: anchorHash, commit: anchor.sha };
    checker.tipCheckpointBlob = parseTree(roots[0]).find((e) => e.name === CHECKPOINT_FILE)?.sha;
    if (anchorHash !== cp.head) {
      checker.problems.push({
        check: "consistency",
        seq: cp.size - 1,
        commit: anchor.sha,
        message: `entry ${cp.size - 1} hashes to ${anchorHash ?? "(unreadable)"} but the checkpoint given to --since recorded ${cp.head}: history was rewritten (fork)`
      });
    }
    await prefetchIndex(index, objects, entryBlobs.slice(1));
    await runSinceChecks(repo, commits.slice(1), roots.slice(1), entryBlobs.slice(1), checker);
    const result = await finish(opts, repo, objects, checker, commits.slice(1), {
      tip: tip.commit,
      firstSeq: cp.size,
      since
    });
    return { ...result, olderCheckpoint: result.olderCheckpoint };
  } finally {
    objects.close();
    await pool?.close();
  }
}
async function prefetchIndex(index, objects, entryBlobs) {
  const texts = await objects.blobs(entryBlobs.filter((b) => !!b));
  const wanted = /* @__PURE__ */ new Set();
  for (const t of texts) {
    try {
      const p = decodeEntry(t.toString("utf8")).statement.predicate;
      for (const oid of await index.wantedBlobs(p.commit, deployChange(p))) wanted.add(oid);
    } catch {
    }
  }
  await objects.fetch([...wanted]);
}
async function runSinceChecks(repo, commits, roots, entryBlobs, checker) {
  const cat = new CatFileSession(repo.gitDir);
  try {
    const entries = await cat.get(entryBlobs.map((b) => b ?? "0".repeat(40)));
    for (let i = 0; i < commits.length; i++) {
      const c = commits[i];
      const root = { sha: c.tree, type: "tree", data: roots[i] };
      const entry = entryBlobs[i] ? entries[i] : void 0;
      const wait = checker.step({ commit: c, root, entry });
      if (wait) await wait;
    }
    await checker.signatures();
  } finally {
    cat.close();
  }
}
function defaultJobs() {
  return availableParallelism();
}

// src/cli/common.ts
import { readFileSync as readFileSync2 } from "node:fs";

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
    "where fetched ledgers are cached (default $SHIPLOG_CACHE_DIR or ~/.cache/shiplog)"
  );
}
function addShardsOption(cmd) {
  return cmd.option(
    "--all-shards",
    "every shiplog and shiplog/* branch of the remote, each checked as its own chain"
  );
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
async function readLocation(flags, opts = {}) {
  if (flags.ledgerBranch) return located(flags, flags.ledgerBranch);
  const base = located(flags, "shiplog");
  return { ...base, branch: await readBranch(base, opts) };
}
async function forEachLedger(flags, opts, read) {
  if (flags.allShards && flags.ledgerBranch)
    throw new ShiplogError("USAGE", "--all-shards and --ledger-branch exclude each other");
  if (flags.allShards) {
    const base = located(flags, "shiplog");
    const out = [];
    for (const branch of await allShards(base)) out.push(await read({ ...base, branch }));
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
    return readFileSync2(path, "utf8");
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

// src/cli/output.ts
function printJson(value) {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}
var useColour = () => !!process.stdout.isTTY && !process.env.NO_COLOR;
var colour = {
  green: (s) => useColour() ? `\x1B[32m${s}\x1B[0m` : s,
  red: (s) => useColour() ? `\x1B[31m${s}\x1B[0m` : s,
  dim: (s) => useColour() ? `\x1B[2m${s}\x1B[0m` : s,
  bold: (s) => useColour() ? `\x1B[1m${s}\x1B[0m` : s
};

// src/cli/commands/ledger.ts
function registerLedgerCommands(program2) {
  program2.command("keygen").description("create an Ed25519 signing key pair: DIR/shiplog.key (private, 0600) and DIR/shiplog.pub").requiredOption("--out <dir>", "folder to write the keys into").option("--force", "overwrite existing key files").addOption(jsonOption()).action((o) => {
    const keyFile = join4(o.out, "shiplog.key");
    const pubFile = join4(o.out, "shiplog.pub");
    if (!o.force && (existsSync4(keyFile) || existsSync4(pubFile))) {
      throw new ShiplogError("USAGE", `${keyFile} or ${pubFile} already exists (use --force to replace)`);
    }
    mkdirSync3(o.out, { recursive: true });
    const k = generateSigningKeyPem();
    writeFileSync3(keyFile, k.privatePem, { mode: 384 });
    chmodSync(keyFile, 384);
    writeFileSync3(pubFile, k.publicPem, { mode: 420 });
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
    ).option("--details <file>", "JSON object with the change type's own fields (version, status, files...)").option("--idempotency-key <key>", "skip the append when an entry with this key already exists").option("--allow-duplicate", "append even when the idempotency key was already recorded").addOption(jsonOption())
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
    const details = o.details ? parseDetails(readTextFile(o.details, "details file"), o.details) : void 0;
    const key = signingKeyFrom(o.key);
    const location = recordLocation(o, o.repo);
    try {
      const r = await appendEntry({
        location,
        key,
        serverUrl: o.serverUrl,
        allowDuplicate: o.allowDuplicate,
        entry: {
          type: o.type,
          timestamp: (/* @__PURE__ */ new Date()).toISOString(),
          repository: o.repo,
          commit,
          environment: o.environment,
          branch: o.branch,
          idempotency_key: o.idempotencyKey,
          approval: { status: "not-collected" },
          details
        },
        onRetry: (n, why) => process.stderr.write(`shiplog: attempt ${n} did not land (${why}); retrying
`)
      });
      if (o.json)
        printJson({
          seq: r.seq,
          hash: r.hash,
          ledgerCommit: r.commit,
          branch: location.branch,
          duplicate: r.duplicate,
          attempts: r.attempts,
          checkpoint: r.checkpoint
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
        "a checkpoint verified before: check only the entries after it, and that the ledger extends it"
      ).option(
        "--jobs <n>",
        "worker threads for signature checks (default: all cores)",
        positiveInt("--jobs")
      ).addOption(jsonOption())
    )
  ).action(async (o) => {
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const older = o.checkpoint ? readTextFile(o.checkpoint, "checkpoint") : void 0;
    const since = o.since ? readTextFile(o.since, "checkpoint given to --since") : void 0;
    if (since && o.allShards)
      throw new ShiplogError(
        "USAGE",
        "--since takes one shard's checkpoint; use it with --ledger-branch, not --all-shards"
      );
    const reports = await forEachLedger(o, {}, async (location) => {
      const { verified: _unused, ...report } = await verifyLedger({
        location,
        trusted: trusted2,
        olderCheckpoint: older,
        since,
        jobs: o.jobs ?? defaultJobs()
      });
      return report;
    });
    const ok = reports.every((r) => r.ok);
    if (o.json) printJson(o.allShards ? { ok, shards: reports } : reports[0]);
    else process.stdout.write(reports.map((r) => renderVerify(r, !!o.allShards)).join("\n"));
    if (!ok) process.exitCode = 1;
  });
  addShardsOption(
    addLocationOptions(
      program2.command("log").description("list ledger entries, newest first").option("--commit <sha-or-prefix>", "only entries about this commit (answered from the index)").option("--environment <name>", "only this environment").option("--type <type>", "only this change type").option("--repo <owner/name>", "the shard of this repository, in a central ledger repository").option("--limit <n>", "at most this many entries", positiveInt("--limit")).addOption(jsonOption())
    )
  ).action(
    async (o) => {
      const filter = { commit: o.commit, environment: o.environment, type: o.type, limit: o.limit };
      const found = await forEachLedger(
        o,
        { repository: o.repo },
        async (location) => (await findEntries(location, filter)).map(
          (e) => o.allShards ? { ...e, branch: location.branch } : e
        )
      );
      const entries = found.flat();
      if (o.allShards)
        entries.sort(
          (a, b) => b.statement.predicate.timestamp.localeCompare(a.statement.predicate.timestamp)
        );
      const shown = o.limit ? entries.slice(0, o.limit) : entries;
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
    if (o.json) return printJson({ ...jsonView(e), envelope: e.envelope });
    process.stdout.write(
      `seq        ${e.seq}
hash       ${e.hash}
branch     ${location.branch}
ledger     ${e.ledgerCommit ?? '(deeper than a cold look-up walks; see "git log --grep")'}
blob       ${e.blob} (entry.json: git cat-file -p ${e.blob})
`
    );
    process.stdout.write(JSON.stringify(e.statement, null, 2) + "\n");
  });
}
function parseDetails(text, file) {
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
function renderLog(entries, shards) {
  return table(entries, [
    ...shards ? [{ header: "SHARD", value: (e) => e.branch ?? "-" }] : [],
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
  ]);
}
function renderVerify(r, named) {
  const lines2 = [];
  const what = named ? `${r.branch}: ` : "";
  const scope = r.since ? `${r.checked} new entries after the checkpoint of ${r.since.size}, ${r.entries} in all` : `${r.entries} entries`;
  if (r.ok) {
    lines2.push(
      colour.green(`${what}ledger valid: ${scope}, chain intact, index consistent, signatures trusted`)
    );
  } else {
    lines2.push(colour.red(`${what}ledger INVALID: ${r.problems.length} problem(s) in ${scope}`));
    lines2.push(
      table(r.problems, [
        { header: "CHECK", value: (p) => p.check },
        { header: "SEQ", value: (p) => p.seq === void 0 ? "-" : String(p.seq) },
        { header: "COMMIT", value: (p) => p.commit ? p.commit.slice(0, 12) : "-" },
        { header: "FILE", value: (p) => p.file ?? "-" },
        { header: "PROBLEM", value: (p) => p.message }
      ])
    );
  }
  lines2.push(`branch ${r.branch} at ${r.tip}`);
  if (r.head) lines2.push(`head   ${r.head}`);
  if (r.checkpoint) lines2.push(`checkpoint ${r.checkpoint.origin} size ${r.checkpoint.size}`);
  if (r.olderCheckpoint) {
    lines2.push(
      r.olderCheckpoint.consistent ? `extends the older checkpoint (size ${r.olderCheckpoint.size})` : `does NOT extend the older checkpoint (size ${r.olderCheckpoint.size})`
    );
  }
  return lines2.join("\n") + "\n";
}

// src/cli/commands/policy-snapshot.ts
import { writeFileSync as writeFileSync4 } from "node:fs";
function repoFrom(value) {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(value);
  if (!m) throw new ShiplogError("USAGE", `--repo must be OWNER/NAME, got "${value}"`);
  return { owner: m[1], repo: m[2] };
}
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
    const { parsePolicy } = await import("./cli-chunks/policy-room-JCUNXSMP.js");
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
    const number = prFrom(flags.pr);
    const teams = await teamsFrom(flags);
    const token = process.env.GITHUB_TOKEN;
    if (!token) throw new ShiplogError("USAGE", "set GITHUB_TOKEN to a token that can read the repository");
    const { createGitHubClient, fetchPolicySnapshot } = await import("./cli-chunks/policy-room-JCUNXSMP.js");
    const api = createGitHubClient({ token, onRateLimit: (m) => process.stderr.write(`shiplog: ${m}
`) });
    const snapshot = await fetchPolicySnapshot(api, { owner, repo, number, teams });
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
    const { evaluatePolicy, parsePolicy, parseSnapshot, renderText, snapshotDirectory } = await import("./cli-chunks/policy-room-JCUNXSMP.js");
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

// src/cli/commands/report.ts
import { mkdirSync as mkdirSync4, renameSync as renameSync3, rmSync as rmSync2, writeFileSync as writeFileSync5 } from "node:fs";
import { dirname, resolve as resolve2 } from "node:path";

// src/ledger/where.ts
import { existsSync as existsSync5, statSync as statSync2 } from "node:fs";
function currentApprovers(s) {
  const list = s.predicate.approval?.approvers;
  if (!Array.isArray(list)) return [];
  return list.filter((a) => typeof a?.login === "string").filter((a) => a.stale !== true).map((a) => a.login);
}
function actorLogin(s) {
  const login = s.predicate.actor?.login;
  return typeof login === "string" ? login : void 0;
}
function sortDeploys(list) {
  return list.sort(
    (a, b) => a.environment.localeCompare(b.environment) || a.repository.localeCompare(b.repository)
  );
}
function deployOf(e) {
  const p = e.statement.predicate;
  return {
    commit: p.commit,
    timestamp: p.timestamp,
    actor: actorLogin(e.statement),
    approvers: currentApprovers(e.statement),
    approvalStatus: p.approval?.status,
    seq: e.seq
  };
}
async function whereIsCommit(commit, deploys, isAncestor) {
  const target = commit.toLowerCase();
  const environments = [];
  for (const env of deploys) {
    const d = env.deploy;
    let contains = false;
    if (d) contains = d.commit === target ? true : await isAncestor(target, d.commit);
    environments.push({
      environment: env.environment,
      repository: env.repository,
      deployed_commit: d?.commit ?? null,
      deployed_at: d?.timestamp ?? null,
      deployed_by: d?.actor ?? null,
      approvers: d?.approvers ?? [],
      approval_status: d?.approvalStatus ?? null,
      seq: d?.seq ?? null,
      contains
    });
  }
  return { commit: target, environments };
}
async function openCheckout(dir) {
  if (!existsSync5(dir) || !statSync2(dir).isDirectory()) {
    throw new ShiplogError("BAD_INPUT", `code checkout "${dir}" does not exist (pass --repo-dir)`);
  }
  const probe = await git(["rev-parse", "--git-dir"], { cwd: dir, allowFail: true });
  if (probe.code !== 0) {
    throw new ShiplogError(
      "BAD_INPUT",
      `"${dir}" is not a git checkout (pass --repo-dir): ${lastLines(probe.stderr, 1)}`
    );
  }
  return {
    async resolve(rev) {
      if (!rev || rev.startsWith("-")) throw new ShiplogError("USAGE", `"${rev}" is not a commit`);
      const r = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], {
        cwd: dir,
        allowFail: true
      });
      const sha = r.stdout.toString("utf8").trim();
      if (r.code !== 0 || !COMMIT_PATTERN.test(sha)) {
        throw new ShiplogError("BAD_INPUT", `"${rev}" is not a commit in the checkout "${dir}"`);
      }
      return sha;
    },
    async isAncestor(ancestor, descendant) {
      const r = await git(["merge-base", "--is-ancestor", ancestor, descendant], {
        cwd: dir,
        allowFail: true
      });
      if (r.code === 0) return true;
      if (r.code === 1) return false;
      return null;
    }
  };
}

// src/report/model.ts
var BADGES = {
  approved: { label: "approved", tone: "good" },
  unapproved: { label: "unapproved", tone: "bad" },
  overridden: { label: "overridden", tone: "warn" },
  // A direct push skipped review altogether: an auditor should notice it, not a failure though.
  "no-pull-request": { label: "no pull request", tone: "warn" },
  "not-collected": { label: "not collected", tone: "neutral" }
};
function badgeOf(statement) {
  const raw = statement.predicate.approval?.status;
  const status = raw && raw in BADGES ? raw : "not-collected";
  return { status, ...BADGES[status] };
}
function toRow(e) {
  const p = e.statement.predicate;
  const pr = p.approval?.pull_request;
  const status = p.details?.status;
  return {
    seq: e.seq,
    hash: e.hash,
    timestamp: p.timestamp,
    type: p.type,
    environment: p.environment,
    repository: p.repository,
    commit: p.commit,
    branch: p.branch,
    actor: actorLogin(e.statement),
    approvers: currentApprovers(e.statement),
    staleApprovers: staleApprovers(e.statement),
    badge: badgeOf(e.statement),
    pullRequest: pr && typeof pr === "object" ? {
      number: typeof pr.number === "number" ? pr.number : void 0,
      title: typeof pr.title === "string" ? pr.title : void 0
    } : void 0,
    deployStatus: p.type === "deploy" && typeof status === "string" ? status : void 0,
    version: typeof p.details?.version === "string" ? p.details.version : void 0,
    details: p.details,
    statement: e.statement
  };
}
function staleApprovers(s) {
  const list = s.predicate.approval?.approvers;
  if (!Array.isArray(list)) return [];
  return list.filter((a) => typeof a?.login === "string" && a.stale === true).map((a) => a.login);
}
var BADGE_ORDER = Object.keys(BADGES);
function toRows(entries) {
  return entries.map(toRow).sort((a, b) => b.seq - a.seq);
}

// src/report/csv.ts
var CSV_COLUMNS = [
  "seq",
  "hash",
  "timestamp",
  "type",
  "environment",
  "repository",
  "commit",
  "actor",
  "approval_status",
  "approvers",
  "pr_number",
  "details_json"
];
function renderCsv(entries) {
  const rows = entries.map(toRow).sort((a, b) => a.seq - b.seq).map((r) => [
    String(r.seq),
    r.hash,
    r.timestamp,
    r.type,
    r.environment ?? "",
    r.repository,
    r.commit,
    r.actor ?? "",
    r.badge.status,
    r.approvers.join(" "),
    r.pullRequest?.number === void 0 ? "" : String(r.pullRequest.number),
    r.details === void 0 ? "" : JSON.stringify(r.details)
  ]);
  return [[...CSV_COLUMNS], ...rows].map((cells) => cells.map(csvCell).join(",") + "\r\n").join("");
}
function csvCell(value) {
  const safe = neutraliseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
function neutraliseFormula(value) {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

// src/report/html.ts
import { createHash as createHash3 } from "node:crypto";

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

// src/report/page-script.ts
var PAGE_SCRIPT = `
(function () {
  'use strict';
  var envSelect = document.getElementById('filter-env');
  var typeSelect = document.getElementById('filter-type');
  var rows = Array.prototype.slice.call(document.querySelectorAll('li.change'));
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
details pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px;
  overflow: auto; max-height: 420px; margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.empty { padding: 12px; color: var(--muted); }
@media print {
  :root { --panel: #ffffff; }
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  .filters, details, .no-print { display: none !important; }
  .filter-note:not(:empty) { display: block; margin: 0 0 12px; font-style: italic; }
  section.env > header { break-after: avoid; }
  li.change, .panel, table.problems tr { break-inside: avoid; }
  li.change::before { display: none; }
  ol.timeline { border-left: 0; padding-left: 0; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;

// src/report/html.ts
var NO_ENVIRONMENT = "no environment";
function renderReportHtml(input) {
  const rows = toRows(input.entries);
  const environments = groupByEnvironment(rows);
  const envOptions = [...environments.keys()].filter((e) => e !== NO_ENVIRONMENT);
  const types = [...new Set(rows.map((r) => r.type))].sort();
  const remote = displayRemote(input.verify.remote);
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
<p class="meta">Ledger <code>${remote}</code>, branch <code>${input.verify.branch}</code> at <code>${input.verify.tip}</code> · generated ${formatTime(input.generatedAt.toISOString())}</p>
${verificationPanel(input)}
${summary(rows)}
<div class="filters" role="search">
<label for="filter-env">Environment <select id="filter-env"><option value="">all</option>${envOptions.map(option)}</select></label>
<label for="filter-type">Type <select id="filter-type"><option value="">all</option>${types.map(option)}</select></label>
<button type="button" id="filter-reset">Show all</button>
</div>
<p class="filter-note" id="filter-note"></p>
${[...environments].map(([env, list]) => environmentSection(env, list))}
<p class="empty" id="no-match" hidden>No changes match the filters.</p>
${rows.length === 0 ? markup`<p class="empty">The ledger has no entries.</p>` : ""}
</main>
<script>${trusted(PAGE_SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
function contentSecurityPolicy() {
  const hash3 = (s) => `'sha256-${createHash3("sha256").update(s, "utf8").digest("base64")}'`;
  return [
    "default-src 'none'",
    `style-src ${hash3(PAGE_STYLE)}`,
    `script-src ${hash3(PAGE_SCRIPT)}`,
    "base-uri 'none'",
    "form-action 'none'"
  ].join("; ");
}
var option = (value) => markup`<option value="${value}">${value}</option>`;
function verificationPanel(input) {
  const v = input.verify;
  const cp = v.checkpoint;
  const entries = `${v.entries} ${plural(v.entries, "entry", "entries")}`;
  const title = v.ok ? `Verified: ${entries}, chain intact, every signature by a trusted key` : `Verification FAILED: ${v.problems.length} ${plural(v.problems.length, "problem", "problems")} in ${entries}`;
  const problems = v.ok ? "" : markup`<table class="problems"><thead><tr><th>check</th><th>seq</th><th>ledger commit</th><th>file</th><th>problem</th></tr></thead><tbody>${v.problems.map(
    (p) => markup`<tr><td>${p.check}</td><td>${p.seq ?? "-"}</td><td><code>${p.commit ?? "-"}</code></td><td><code>${p.file ?? "-"}</code></td><td>${p.message}</td></tr>`
  )}</tbody></table>`;
  const checkpoint = cp ? markup`origin <code>${cp.origin}</code>, size ${cp.size}, head <code>${cp.head}</code>` : "none";
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
function summary(rows) {
  const counts = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const c = counts.get(r.badge.status) ?? { label: r.badge.label, tone: r.badge.tone, n: 0 };
    c.n++;
    counts.set(r.badge.status, c);
  }
  const badges = BADGE_ORDER.map((s) => counts.get(s)).filter((c) => c !== void 0).map((c) => markup`<span class="badge tone-${c.tone}">${c.n} ${c.label}</span>`);
  return markup`<div class="summary" id="summary"><b>${rows.length} ${plural(rows.length, "change", "changes")}</b>${badges}</div>`;
}
function groupByEnvironment(rows) {
  const groups = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const key = r.environment ?? NO_ENVIRONMENT;
    groups.set(key, [...groups.get(key) ?? [], r]);
  }
  const names = [...groups.keys()].sort(
    (a, b) => a === NO_ENVIRONMENT ? 1 : b === NO_ENVIRONMENT ? -1 : a.localeCompare(b)
  );
  return new Map(names.map((n) => [n, groups.get(n)]));
}
function environmentSection(env, rows) {
  return markup`<section class="env" data-env="${env}">
<header><h2>${env}</h2><span class="count muted">${rows.length} ${plural(rows.length, "change", "changes")}</span></header>
<ol class="timeline">
${rows.map(changeItem)}
</ol>
</section>
`;
}
function changeItem(r) {
  const version = r.version ? markup`<span class="version">${r.version}</span>` : "";
  const branch = r.branch ? markup`<span class="branch muted">from <code>${r.branch}</code></span>` : "";
  const deployStatus = r.deployStatus && r.deployStatus !== "success" ? markup`<span class="badge deploy-status tone-${r.deployStatus === "started" ? "neutral" : "bad"}">${r.deployStatus}</span>` : "";
  const approvers = r.approvers.length ? r.approvers.join(", ") : "none";
  const stale = r.staleApprovers.length ? markup` <span class="stale">(stale: ${r.staleApprovers.join(", ")})</span>` : "";
  const pr = r.pullRequest;
  const prText = pr ? markup` · PR${pr.number !== void 0 ? ` #${pr.number}` : ""}${pr.title ? markup` <span class="pr-title">${pr.title}</span>` : ""}` : "";
  const statement = JSON.stringify({ hash: r.hash, statement: r.statement }, null, 2);
  return markup`<li class="change tone-${r.badge.tone}" id="seq-${r.seq}" data-seq="${r.seq}" data-env="${r.environment ?? ""}" data-type="${r.type}" data-approval="${r.badge.status}">
<div class="when"><time datetime="${r.timestamp}">${formatTime(r.timestamp)}</time><span class="seq">#${r.seq}</span></div>
<div class="what"><span class="type">${r.type}</span><code class="commit" title="${r.commit}">${r.commit.slice(0, 12)}</code><span class="repo">${r.repository}</span>${version}${branch}</div>
<div class="badges"><span class="badge approval tone-${r.badge.tone}">${r.badge.label}</span>${deployStatus}</div>
<div class="who">by <b class="actor">${r.actor ?? "unknown"}</b> · approvers: <b class="approvers">${approvers}</b>${stale}${prText}</div>
<details><summary>Details</summary><pre>${statement}</pre></details>
</li>
`;
}
function displayRemote(remote) {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}
function formatTime(iso) {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(iso) ? iso.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC") : iso;
}
function plural(n, one, many) {
  return n === 1 ? one : many;
}

// src/report/load.ts
async function loadReportData(opts) {
  const reports = [];
  const entries = [];
  for (const location of opts.locations) {
    const { verified, ...verify2 } = await verifyLedger({
      location,
      trusted: opts.trusted,
      jobs: opts.jobs,
      collect: true
    });
    reports.push(verify2);
    const many = opts.locations.length > 1;
    for (const e of verified ?? []) entries.push(many ? { ...e, branch: location.branch } : e);
  }
  if (reports.length === 1)
    return { verify: reports[0], entries, checkpointText: reports[0].checkpointText };
  entries.sort((a, b) => a.statement.predicate.timestamp.localeCompare(b.statement.predicate.timestamp));
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
  return { verify, shards: reports, entries, checkpointText };
}

// src/cli/commands/report.ts
function registerReportCommand(program2) {
  addShardsOption(
    addLocationOptions(
      program2.command("report").description("write a self-contained HTML report for auditors (and optionally a CSV of every entry)").option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).requiredOption("--out <file>", "where to write the HTML report").option("--csv <file>", "also write one CSV row per entry").option(
        "--jobs <n>",
        "worker threads for signature checks (default: all cores)",
        positiveInt("--jobs")
      ).addOption(jsonOption())
    )
  ).action(async (o) => {
    const trusted2 = trustedKeysFrom(o.trustedKey);
    const locations = o.allShards ? await forEachLedger(o, {}, async (location) => location) : [await readLocation(o)];
    const data = await loadReportData({ locations, trusted: trusted2, jobs: o.jobs ?? defaultJobs() });
    const page = renderReportHtml({ ...data, generatedAt: /* @__PURE__ */ new Date() });
    const out = resolve2(o.out);
    writeAtomically(out, page);
    const csv = o.csv ? resolve2(o.csv) : void 0;
    if (csv) writeAtomically(csv, renderCsv(data.entries));
    const v = data.verify;
    if (o.json) {
      printJson({ ok: v.ok, entries: data.entries.length, problems: v.problems.length, html: out, csv });
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
  });
}
function writeAtomically(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync4(dirname(path), { recursive: true });
    writeFileSync5(tmp, text);
    renameSync3(tmp, path);
  } catch (e) {
    rmSync2(tmp, { force: true });
    throw new ShiplogError("BAD_INPUT", `cannot write "${path}": ${e.message}`);
  }
}

// src/ledger/deployed.ts
async function deploysInForce(view, opts = {}) {
  const states = (await view.index.deployStatesNow()).filter(
    (s) => !opts.repository || s.repository === opts.repository
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

// src/cli/commands/where.ts
function registerWhereCommand(program2) {
  addShardsOption(
    addLocationOptions(
      program2.command("where").description(
        "which environments contain a commit (the deploy in force per environment + git ancestry)"
      ).argument("<commit>", "a commit sha (short is fine) or any rev of the code checkout").option("--repo-dir <dir>", "the code checkout used for ancestry", ".").option("--repo <owner/name>", "only deploys of this repository (its shard, in a central ledger)").addOption(jsonOption())
    )
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
  const program2 = new Command("shiplog").description("Signed, hash-chained change ledger and approval gates for CI/CD").version("0.1.0").showHelpAfterError().exitOverride();
  registerLedgerCommands(program2);
  registerPolicyCommands(program2);
  registerWhereCommand(program2);
  registerReportCommand(program2);
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
      process.stderr.write(`shiplog: error[${e.code}]: ${e.message}
`);
      return e.exitCode;
    }
    process.stderr.write(`shiplog: unexpected error: ${errorMessage(e)}
`);
    if (process.env.SHIPLOG_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}
`);
    return 1;
  }
}
var invokedDirectly = process.argv[1] && /(?:cli|main)\.(?:js|ts|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
export {
  buildProgram,
  main
};
