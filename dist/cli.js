#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

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
        const getSortKey = (option) => {
          return option.short ? option.short.replace(/^-/, "") : option.long.replace(/^--/, "");
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
        const visibleOptions = cmd.options.filter((option) => !option.hidden);
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
            (option) => !option.hidden
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
      optionTerm(option) {
        return option.flags;
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
        return helper.visibleOptions(cmd).reduce((max, option) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
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
        return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
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
      optionDescription(option) {
        const extraInfo = [];
        if (option.argChoices) {
          extraInfo.push(
            // use stringify to match the display of the default value
            `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
          );
        }
        if (option.defaultValue !== void 0) {
          const showDefault = option.required || option.optional || option.isBoolean() && typeof option.defaultValue === "boolean";
          if (showDefault) {
            extraInfo.push(
              `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`
            );
          }
        }
        if (option.presetArg !== void 0 && option.optional) {
          extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
        }
        if (option.envVar !== void 0) {
          extraInfo.push(`env: ${option.envVar}`);
        }
        if (extraInfo.length > 0) {
          const extraDescription = `(${extraInfo.join(", ")})`;
          if (option.description) {
            return `${option.description} ${extraDescription}`;
          }
          return extraDescription;
        }
        return option.description;
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
          (option) => option.helpGroupHeading ?? "Options:"
        );
        optionGroups.forEach((options, group) => {
          const optionList = options.map((option) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option)),
              helper.styleOptionDescription(helper.optionDescription(option))
            );
          });
          output = output.concat(this.formatItemList(group, optionList, helper));
        });
        if (helper.showGlobalOptions) {
          const globalOptionList = helper.visibleGlobalOptions(cmd).map((option) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option)),
              helper.styleOptionDescription(helper.optionDescription(option))
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
        options.forEach((option) => {
          if (option.negate) {
            this.negativeOptions.set(option.attributeName(), option);
          } else {
            this.positiveOptions.set(option.attributeName(), option);
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
      valueFromOption(value, option) {
        const optionKey = option.attributeName();
        if (!this.dualOptions.has(optionKey)) return true;
        const preset = this.negativeOptions.get(optionKey).presetArg;
        const negativeValue = preset !== void 0 ? preset : false;
        return option.negate === (negativeValue === value);
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
      _registerOption(option) {
        const matchingOption = option.short && this._findOption(option.short) || option.long && this._findOption(option.long);
        if (matchingOption) {
          const matchingFlag = option.long && this._findOption(option.long) ? option.long : option.short;
          throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
        }
        this._initOptionGroup(option);
        this.options.push(option);
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
      addOption(option) {
        this._registerOption(option);
        const oname = option.name();
        const name = option.attributeName();
        if (option.negate) {
          const positiveLongFlag = option.long.replace(/^--no-/, "--");
          if (!this._findOption(positiveLongFlag)) {
            this.setOptionValueWithSource(
              name,
              option.defaultValue === void 0 ? true : option.defaultValue,
              "default"
            );
          }
        } else if (option.defaultValue !== void 0) {
          this.setOptionValueWithSource(name, option.defaultValue, "default");
        }
        const handleOptionValue = (val, invalidValueMessage, valueSource) => {
          if (val == null && option.presetArg !== void 0) {
            val = option.presetArg;
          }
          const oldValue = this.getOptionValue(name);
          if (val !== null && option.parseArg) {
            val = this._callParseArg(option, val, oldValue, invalidValueMessage);
          } else if (val !== null && option.variadic) {
            val = option._collectValue(val, oldValue);
          }
          if (val == null) {
            if (option.negate) {
              val = false;
            } else if (option.isBoolean() || option.optional) {
              val = true;
            } else {
              val = "";
            }
          }
          this.setOptionValueWithSource(name, val, valueSource);
        };
        this.on("option:" + oname, (val) => {
          const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
          handleOptionValue(val, invalidValueMessage, "cli");
        });
        if (option.envVar) {
          this.on("optionEnv:" + oname, (val) => {
            const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
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
        const option = this.createOption(flags, description);
        option.makeOptionMandatory(!!config.mandatory);
        if (typeof fn === "function") {
          option.default(defaultValue).argParser(fn);
        } else if (fn instanceof RegExp) {
          const regex = fn;
          fn = (val, def) => {
            const m = regex.exec(val);
            return m ? m[0] : def;
          };
          option.default(defaultValue).argParser(fn);
        } else {
          option.default(fn);
        }
        return this.addOption(option);
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
        return this.options.find((option) => option.is(arg));
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
        const definedNonDefaultOptions = this.options.filter((option) => {
          const optionKey = option.attributeName();
          if (this.getOptionValue(optionKey) === void 0) {
            return false;
          }
          return this.getOptionValueSource(optionKey) !== "default";
        });
        const optionsWithConflicting = definedNonDefaultOptions.filter(
          (option) => option.conflictsWith.length > 0
        );
        optionsWithConflicting.forEach((option) => {
          const conflictingAndDefined = definedNonDefaultOptions.find(
            (defined) => option.conflictsWith.includes(defined.attributeName())
          );
          if (conflictingAndDefined) {
            this._conflictingOption(option, conflictingAndDefined);
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
            const option = this._findOption(arg);
            if (option) {
              if (option.required) {
                const value = args[i++];
                if (value === void 0) this.optionMissingArgument(option);
                this.emit(`option:${option.name()}`, value);
              } else if (option.optional) {
                let value = null;
                if (i < args.length && (!maybeOption(args[i]) || negativeNumberArg(args[i]))) {
                  value = args[i++];
                }
                this.emit(`option:${option.name()}`, value);
              } else {
                this.emit(`option:${option.name()}`);
              }
              activeVariadicOption = option.variadic ? option : null;
              continue;
            }
          }
          if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
            const option = this._findOption(`-${arg[1]}`);
            if (option) {
              if (option.required || option.optional && this._combineFlagAndOptionalValue) {
                this.emit(`option:${option.name()}`, arg.slice(2));
              } else {
                this.emit(`option:${option.name()}`);
                activeGroup = `-${arg.slice(2)}`;
              }
              continue;
            }
          }
          if (/^--[^=]+=/.test(arg)) {
            const index = arg.indexOf("=");
            const option = this._findOption(arg.slice(0, index));
            if (option && (option.required || option.optional)) {
              this.emit(`option:${option.name()}`, arg.slice(index + 1));
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
        this.options.forEach((option) => {
          if (option.envVar && option.envVar in process2.env) {
            const optionKey = option.attributeName();
            if (this.getOptionValue(optionKey) === void 0 || ["default", "config", "env"].includes(
              this.getOptionValueSource(optionKey)
            )) {
              if (option.required || option.optional) {
                this.emit(`optionEnv:${option.name()}`, process2.env[option.envVar]);
              } else {
                this.emit(`optionEnv:${option.name()}`);
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
          (option) => option.implied !== void 0 && hasCustomOptionValue(option.attributeName()) && dualHelper.valueFromOption(
            this.getOptionValue(option.attributeName()),
            option
          )
        ).forEach((option) => {
          Object.keys(option.implied).filter((impliedKey) => !hasCustomOptionValue(impliedKey)).forEach((impliedKey) => {
            this.setOptionValueWithSource(
              impliedKey,
              option.implied[impliedKey],
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
      optionMissingArgument(option) {
        const message = `error: option '${option.flags}' argument missing`;
        this.error(message, { code: "commander.optionMissingArgument" });
      }
      /**
       * `Option` does not have a value, and is a mandatory option.
       *
       * @param {Option} option
       * @private
       */
      missingMandatoryOptionValue(option) {
        const message = `error: required option '${option.flags}' not specified`;
        this.error(message, { code: "commander.missingMandatoryOptionValue" });
      }
      /**
       * `Option` conflicts with another option.
       *
       * @param {Option} option
       * @param {Option} conflictingOption
       * @private
       */
      _conflictingOption(option, conflictingOption) {
        const findBestOptionFromValue = (option2) => {
          const optionKey = option2.attributeName();
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
          return positiveOption || option2;
        };
        const getErrorMessage = (option2) => {
          const bestOption = findBestOptionFromValue(option2);
          const optionKey = bestOption.attributeName();
          const source = this.getOptionValueSource(optionKey);
          if (source === "env") {
            return `environment variable '${bestOption.envVar}'`;
          }
          return `option '${bestOption.flags}'`;
        };
        const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
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
            const moreFlags = command.createHelp().visibleOptions(command).filter((option) => option.long).map((option) => option.long);
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
      _initOptionGroup(option) {
        if (this._defaultOptionGroup && !option.helpGroupHeading)
          option.helpGroup(this._defaultOptionGroup);
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
      addHelpOption(option) {
        this._helpOption = option;
        this._initOptionGroup(option);
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

// src/errors.ts
function isShiplogError(e, code) {
  return e instanceof ShiplogError && (code === void 0 || e.code === code);
}
function errorMessage(e) {
  return e instanceof Error ? e.message : String(e);
}
var exitCodes, ShiplogError;
var init_errors = __esm({
  "src/errors.ts"() {
    "use strict";
    exitCodes = {
      VERIFY_FAILED: 1,
      GATE_FAILED: 1,
      APPEND_EXHAUSTED: 1,
      GIT_FAILED: 1,
      GIT_TIMEOUT: 1,
      GITHUB_API: 1,
      FORBIDDEN: 1
    };
    ShiplogError = class extends Error {
      code;
      exitCode;
      details;
      constructor(code, message, options) {
        super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
        this.name = "ShiplogError";
        this.code = code;
        this.exitCode = exitCodes[code] ?? 2;
        this.details = options?.details;
      }
    };
  }
});

// node_modules/@noble/hashes/_u64.js
function setU64FromNum(view, byteOffset, n, isLE) {
  const h = fromNumH(n);
  const l = fromNumL(n);
  view.setUint32(byteOffset, isLE ? l : h, isLE);
  view.setUint32(byteOffset + 4, isLE ? h : l, isLE);
}
var fromNumH, fromNumL;
var init_u64 = __esm({
  "node_modules/@noble/hashes/_u64.js"() {
    fromNumH = (n) => n / 2 ** 32 | 0;
    fromNumL = (n) => n >>> 0;
  }
});

// node_modules/@noble/hashes/utils.js
function isBytes(a) {
  return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array" && "BYTES_PER_ELEMENT" in a && a.BYTES_PER_ELEMENT === 1;
}
function anumber(n, title = "") {
  if (typeof n !== "number")
    throw new TypeError(atitle(title) + "expected number, got " + typeof n);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(atitle(title) + "expected integer >= 0, got " + n);
  return n;
}
function abytes(value, length, title = "") {
  if (isBytes(value) && (length === void 0 || value.length === length))
    return value;
  if (length !== void 0)
    anumber(length, "length");
  const bytes = isBytes(value);
  const ofLen = length !== void 0 ? ` of length ${length}` : "";
  const got = bytes ? `length=${value.length}` : `type=${typeof value}`;
  const message = atitle(title) + "expected Uint8Array" + ofLen + ", got " + got;
  if (!bytes)
    throw new TypeError(message);
  throw new RangeError(message);
}
function aexists(instance, checkFinished = true) {
  if (instance.destroyed)
    throw new Error("hash was destroyed");
  if (checkFinished && instance.finished)
    throw new Error("digest() was already called");
}
function aoutput(out, instance) {
  abytes(out, void 0, "output");
  const min = instance.outputLen;
  if (!(out.length >= min)) {
    throw new RangeError('"output" expected length >= ' + min);
  }
}
function clean(...arrays) {
  for (let i = 0; i < arrays.length; i++) {
    arrays[i].fill(0);
  }
}
function createView(arr) {
  return new DataView(arr.buffer, arr.byteOffset, arr.byteLength);
}
function rotr(word, shift) {
  return word << 32 - shift | word >>> shift;
}
function bytesToHex(bytes) {
  abytes(bytes);
  if (hasHexBuiltin)
    return bytes.toHex();
  let hex = "";
  for (let i = 0; i < bytes.length; i++) {
    hex += hexes[bytes[i]];
  }
  return hex;
}
function checkOpts(defaults, opts, title = "opts") {
  aopts(defaults, "defaults");
  if (opts !== void 0)
    aopts(opts, title);
  const merged = Object.assign(/* @__PURE__ */ Object.create(null), defaults, opts);
  return merged;
}
function createHasher(hashCons, info = {}) {
  if (typeof hashCons !== "function")
    throw new TypeError('"hashCons" expected function, got type=' + typeof hashCons);
  info = checkOpts({}, info, "info");
  const hashC = (msg, opts) => hashCons(opts).update(msg).digest();
  const tmp = hashCons(void 0);
  hashC.outputLen = tmp.outputLen;
  hashC.blockLen = tmp.blockLen;
  hashC.canXOF = tmp.canXOF;
  hashC.create = (opts) => hashCons(opts);
  Object.assign(hashC, info);
  return Object.freeze(hashC);
}
var atitle, aobject, aopts, hasHexBuiltin, hexes, oidNist;
var init_utils = __esm({
  "node_modules/@noble/hashes/utils.js"() {
    atitle = (title) => title ? `"${title}" ` : "";
    aobject = (value, label) => {
      if (value === null || typeof value !== "object" || Array.isArray(value))
        throw new TypeError((label === "object" ? "" : `"${label}" `) + "expected object, got type=" + typeof value);
    };
    aopts = (value, label) => {
      aobject(value, label);
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw new TypeError(`"${label}" expected plain object`);
      if (Object.hasOwn(value, "__proto__"))
        throw new TypeError(`"${label}.__proto__" is not allowed`);
    };
    hasHexBuiltin = /* @__PURE__ */ (() => (
      // @ts-ignore
      typeof Uint8Array.from([]).toHex === "function" && typeof Uint8Array.fromHex === "function"
    ))();
    hexes = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
    oidNist = (suffix) => ({
      // Current NIST hashAlgs suffixes used here fit in one DER subidentifier octet.
      // Larger suffix values would need base-128 OID encoding and a different length byte.
      oid: Uint8Array.from([6, 9, 96, 134, 72, 1, 101, 3, 4, 2, suffix])
    });
  }
});

// node_modules/@noble/hashes/_md.js
function Chi(a, b, c) {
  return a & b ^ ~a & c;
}
function Maj(a, b, c) {
  return a & b ^ a & c ^ b & c;
}
var HashMD, SHA256_IV;
var init_md = __esm({
  "node_modules/@noble/hashes/_md.js"() {
    init_u64();
    init_utils();
    HashMD = class {
      blockLen;
      outputLen;
      canXOF = false;
      padOffset;
      isLE;
      // For partial updates less than block size
      buffer;
      view;
      finished = false;
      length = 0;
      pos = 0;
      destroyed = false;
      constructor(blockLen, outputLen, padOffset, isLE) {
        this.blockLen = blockLen;
        this.outputLen = outputLen;
        this.padOffset = padOffset;
        this.isLE = isLE;
        this.buffer = new Uint8Array(blockLen);
        this.view = createView(this.buffer);
      }
      update(data) {
        aexists(this);
        abytes(data);
        const { view, buffer, blockLen } = this;
        const len = data.length;
        let processed = false;
        for (let pos = 0; pos < len; ) {
          const take = Math.min(blockLen - this.pos, len - pos);
          if (take === blockLen) {
            const dataView = createView(data);
            for (; blockLen <= len - pos; pos += blockLen)
              this.process(dataView, pos);
            processed = true;
            continue;
          }
          buffer.set(pos === 0 && take === len ? data : data.subarray(pos, pos + take), this.pos);
          this.pos += take;
          pos += take;
          if (this.pos === blockLen) {
            this.process(view, 0);
            this.pos = 0;
            processed = true;
          }
        }
        this.length += data.length;
        if (processed)
          this.roundClean();
        return this;
      }
      digestInto(out) {
        aexists(this);
        aoutput(out, this);
        this.finished = true;
        const { buffer, view, blockLen, isLE } = this;
        let { pos } = this;
        buffer[pos++] = 128;
        buffer.fill(0, pos);
        if (this.padOffset > blockLen - pos) {
          this.process(view, 0);
          buffer.fill(0);
        }
        setU64FromNum(view, blockLen - 8, this.length * 8, isLE);
        this.process(view, 0);
        this.roundClean();
        const oview = out === buffer ? view : createView(out);
        const len = this.outputLen;
        const outLen = len / 4;
        const state = this.get();
        if (len % 4 || outLen > state.length)
          throw new Error("invalid outputLen");
        for (let i = 0; i < outLen; i++)
          oview.setUint32(4 * i, state[i], isLE);
      }
      digest() {
        const { buffer, outputLen } = this;
        this.digestInto(buffer);
        const res = buffer.slice(0, outputLen);
        this.destroy();
        return res;
      }
      _cloneIntoMeta(to) {
        const { buffer, length, finished, destroyed, pos } = this;
        to.destroyed = destroyed;
        to.finished = finished;
        to.length = length;
        to.pos = pos;
        if (pos)
          to.buffer.set(buffer);
        return to;
      }
      clone() {
        return this._cloneInto();
      }
    };
    SHA256_IV = /* @__PURE__ */ Uint32Array.from([
      1779033703,
      3144134277,
      1013904242,
      2773480762,
      1359893119,
      2600822924,
      528734635,
      1541459225
    ]);
  }
});

// node_modules/@noble/hashes/sha2.js
var SHA256_K, SHA256_W, SHA2_32B, _SHA256, sha256;
var init_sha2 = __esm({
  "node_modules/@noble/hashes/sha2.js"() {
    init_md();
    init_utils();
    SHA256_K = /* @__PURE__ */ Uint32Array.from([
      1116352408,
      1899447441,
      3049323471,
      3921009573,
      961987163,
      1508970993,
      2453635748,
      2870763221,
      3624381080,
      310598401,
      607225278,
      1426881987,
      1925078388,
      2162078206,
      2614888103,
      3248222580,
      3835390401,
      4022224774,
      264347078,
      604807628,
      770255983,
      1249150122,
      1555081692,
      1996064986,
      2554220882,
      2821834349,
      2952996808,
      3210313671,
      3336571891,
      3584528711,
      113926993,
      338241895,
      666307205,
      773529912,
      1294757372,
      1396182291,
      1695183700,
      1986661051,
      2177026350,
      2456956037,
      2730485921,
      2820302411,
      3259730800,
      3345764771,
      3516065817,
      3600352804,
      4094571909,
      275423344,
      430227734,
      506948616,
      659060556,
      883997877,
      958139571,
      1322822218,
      1537002063,
      1747873779,
      1955562222,
      2024104815,
      2227730452,
      2361852424,
      2428436474,
      2756734187,
      3204031479,
      3329325298
    ]);
    SHA256_W = /* @__PURE__ */ new Uint32Array(64);
    SHA2_32B = class extends HashMD {
      // We cannot use array here since array allows indexing by variable
      // which means optimizer/compiler cannot use registers.
      // Numeric initializers matter: starting the fields as `undefined` changes
      // V8's field representation and makes sha256 3x slower (measured).
      A = 0;
      B = 0;
      C = 0;
      D = 0;
      E = 0;
      F = 0;
      G = 0;
      H = 0;
      constructor(outputLen, IV) {
        super(64, outputLen, 8, false);
        this.A = IV[0] | 0;
        this.B = IV[1] | 0;
        this.C = IV[2] | 0;
        this.D = IV[3] | 0;
        this.E = IV[4] | 0;
        this.F = IV[5] | 0;
        this.G = IV[6] | 0;
        this.H = IV[7] | 0;
      }
      get() {
        const { A, B, C, D, E, F, G, H } = this;
        return [A, B, C, D, E, F, G, H];
      }
      // prettier-ignore
      set(A, B, C, D, E, F, G, H) {
        this.A = A | 0;
        this.B = B | 0;
        this.C = C | 0;
        this.D = D | 0;
        this.E = E | 0;
        this.F = F | 0;
        this.G = G | 0;
        this.H = H | 0;
      }
      _cloneInto(to) {
        (to ||= new this.constructor()).set(...this.get());
        return this._cloneIntoMeta(to);
      }
      process(view, offset) {
        for (let i = 0; i < 16; i++, offset += 4)
          SHA256_W[i] = view.getUint32(offset, false);
        for (let i = 16; i < 64; i++) {
          const W15 = SHA256_W[i - 15];
          const W2 = SHA256_W[i - 2];
          const s0 = rotr(W15, 7) ^ rotr(W15, 18) ^ W15 >>> 3;
          const s1 = rotr(W2, 17) ^ rotr(W2, 19) ^ W2 >>> 10;
          SHA256_W[i] = s1 + SHA256_W[i - 7] + s0 + SHA256_W[i - 16] | 0;
        }
        let { A, B, C, D, E, F, G, H } = this;
        for (let i = 0; i < 64; i++) {
          const sigma1 = rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25);
          const T1 = H + sigma1 + Chi(E, F, G) + SHA256_K[i] + SHA256_W[i] | 0;
          const sigma0 = rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22);
          const T2 = sigma0 + Maj(A, B, C) | 0;
          H = G;
          G = F;
          F = E;
          E = D + T1 | 0;
          D = C;
          C = B;
          B = A;
          A = T1 + T2 | 0;
        }
        A = A + this.A | 0;
        B = B + this.B | 0;
        C = C + this.C | 0;
        D = D + this.D | 0;
        E = E + this.E | 0;
        F = F + this.F | 0;
        G = G + this.G | 0;
        H = H + this.H | 0;
        this.set(A, B, C, D, E, F, G, H);
      }
      roundClean() {
        clean(SHA256_W);
      }
      destroy() {
        this.destroyed = true;
        this.set(0, 0, 0, 0, 0, 0, 0, 0);
        clean(this.buffer);
      }
    };
    _SHA256 = class extends SHA2_32B {
      constructor() {
        super(32, SHA256_IV);
      }
    };
    sha256 = /* @__PURE__ */ createHasher(
      () => new _SHA256(),
      /* @__PURE__ */ oidNist(1)
    );
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

// src/ledger/encoding.ts
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
function sha256Hex(data) {
  return bytesToHex(sha256(typeof data === "string" ? Buffer.from(data, "utf8") : data));
}
function sha256Bytes(data) {
  return sha256(data);
}
var import_canonicalize, GENESIS_PREV, HASH_PATTERN, COMMIT_PATTERN;
var init_encoding = __esm({
  "src/ledger/encoding.ts"() {
    "use strict";
    init_sha2();
    init_utils();
    import_canonicalize = __toESM(require_canonicalize(), 1);
    init_errors();
    GENESIS_PREV = `sha256:${"0".repeat(64)}`;
    HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
    COMMIT_PATTERN = /^[0-9a-f]{40}$/;
  }
});

// src/ledger/dsse.ts
import { sign as cryptoSign2, verify as cryptoVerify2 } from "node:crypto";
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
function parseEnvelope(text) {
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
  if (extra.length) throw new ShiplogError("BAD_INPUT", `envelope has unexpected field(s): ${extra.join(", ")}`);
  if (o.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new ShiplogError("BAD_INPUT", `envelope payloadType must be "${IN_TOTO_PAYLOAD_TYPE}"`);
  }
  if (typeof o.payload !== "string" || o.payload.length === 0 || o.payload.length % 4 !== 0 || !BASE64.test(o.payload)) {
    throw new ShiplogError("BAD_INPUT", "envelope payload is not standard base64");
  }
  if (!Array.isArray(o.signatures) || o.signatures.length === 0) {
    throw new ShiplogError("BAD_INPUT", "envelope has no signatures");
  }
  for (const s of o.signatures) {
    if (typeof s !== "object" || s === null) throw new ShiplogError("BAD_INPUT", "envelope signature is not an object");
    const sig = s;
    if (typeof sig.keyid !== "string" || typeof sig.sig !== "string" || !BASE64.test(sig.sig) || sig.sig.length === 0) {
      throw new ShiplogError("BAD_INPUT", 'envelope signature needs string "keyid" and base64 "sig"');
    }
  }
  return o;
}
function findSigner(paeBytes, envelope, trusted) {
  for (const s of envelope.signatures) {
    const sig = Buffer.from(s.sig, "base64");
    if (sig.length !== 64) continue;
    const hinted = trusted.filter((k) => k.keyid === s.keyid);
    const rest = trusted.filter((k) => k.keyid !== s.keyid);
    for (const k of [...hinted, ...rest]) {
      if (cryptoVerify2(null, paeBytes, k.publicKey, sig)) return k;
    }
  }
  return void 0;
}
var IN_TOTO_PAYLOAD_TYPE, BASE64;
var init_dsse = __esm({
  "src/ledger/dsse.ts"() {
    "use strict";
    init_errors();
    init_encoding();
    IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
    BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
  }
});

// src/ledger/git.ts
import { spawn } from "node:child_process";
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
  return new Promise((resolve2, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: gitEnv(opts),
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
      const result = { code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") };
      if (timedOut) {
        reject(new ShiplogError("GIT_TIMEOUT", `git ${args[0]} did not finish within ${timeoutMs} ms and was stopped`));
      } else if (result.code !== 0 && !opts.allowFail) {
        reject(
          new ShiplogError("GIT_FAILED", `git ${args[0]} failed (exit ${result.code}): ${lastLines(result.stderr)}`, {
            details: result
          })
        );
      } else {
        resolve2(result);
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
function catFileBatch(gitDir, specs, onObject, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs();
  return new Promise((resolve2, reject) => {
    if (specs.length === 0) return resolve2();
    const child = spawn("git", ["cat-file", "--batch"], {
      env: gitEnv({ gitDir, config: opts.config }),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true
    });
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new ShiplogError("GIT_TIMEOUT", `git cat-file did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    let buf = Buffer.alloc(0);
    let index = 0;
    let pending;
    let failed = false;
    const errChunks = [];
    child.stderr.on("data", (d) => errChunks.push(d));
    child.stdout.on("data", (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      try {
        for (; ; ) {
          if (!pending) {
            const nl = buf.indexOf(10);
            if (nl < 0) break;
            const header = buf.subarray(0, nl).toString("utf8");
            buf = buf.subarray(nl + 1);
            if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
              onObject(index++, void 0);
              continue;
            }
            const [sha, type, size] = header.split(" ");
            pending = { sha, type, size: Number(size) };
          }
          if (buf.length < pending.size + 1) break;
          const data = Buffer.from(buf.subarray(0, pending.size));
          buf = buf.subarray(pending.size + 1);
          const obj = { sha: pending.sha, type: pending.type, data };
          pending = void 0;
          onObject(index++, obj);
        }
      } catch (e) {
        failed = true;
        killGroup(child.pid);
        clearTimeout(timer);
        reject(e);
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
      } else resolve2();
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
var BASE_CONFIG, CatFileSession;
var init_git = __esm({
  "src/ledger/git.ts"() {
    "use strict";
    init_errors();
    BASE_CONFIG = {
      "gc.auto": "0",
      "maintenance.auto": "false",
      "protocol.ext.allow": "never",
      "core.hooksPath": "/dev/null",
      "advice.detachedHead": "false"
    };
    CatFileSession = class {
      child;
      buf = Buffer.alloc(0);
      queue = [];
      pending;
      closed = false;
      stderr = "";
      constructor(gitDir) {
        this.child = spawn("git", ["cat-file", "--batch"], {
          env: gitEnv({ gitDir }),
          stdio: ["pipe", "pipe", "pipe"]
        });
        this.child.stdout.on("data", (chunk) => this.onData(chunk));
        this.child.stderr.on("data", (d) => this.stderr += d.toString());
        this.child.stdin.on("error", () => void 0);
        const fail2 = (e) => {
          this.closed = true;
          for (const q of this.queue.splice(0)) q.reject(e);
        };
        this.child.on("error", (e) => fail2(new ShiplogError("GIT_FAILED", `could not start git: ${e.message}`)));
        this.child.on("close", (code) => {
          if (this.queue.length) fail2(new ShiplogError("GIT_FAILED", `git cat-file exited (${code}): ${lastLines(this.stderr)}`));
        });
      }
      onData(chunk) {
        this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
        for (; ; ) {
          if (!this.pending) {
            const nl = this.buf.indexOf(10);
            if (nl < 0) return;
            const header = this.buf.subarray(0, nl).toString("utf8");
            this.buf = this.buf.subarray(nl + 1);
            if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
              this.queue.shift()?.resolve(void 0);
              continue;
            }
            const [sha, type, size] = header.split(" ");
            this.pending = { sha, type, size: Number(size) };
          }
          if (this.buf.length < this.pending.size + 1) return;
          const data = Buffer.from(this.buf.subarray(0, this.pending.size));
          this.buf = this.buf.subarray(this.pending.size + 1);
          const obj = { sha: this.pending.sha, type: this.pending.type, data };
          this.pending = void 0;
          this.queue.shift()?.resolve(obj);
        }
      }
      get(specs) {
        if (this.closed) return Promise.reject(new ShiplogError("GIT_FAILED", "git cat-file already closed"));
        if (specs.some((s) => /[\n\0]/.test(s))) {
          return Promise.reject(new ShiplogError("BAD_INPUT", "object name contains a newline"));
        }
        const results = specs.map(
          () => new Promise((resolve2, reject) => this.queue.push({ resolve: resolve2, reject }))
        );
        this.child.stdin.write(specs.map((s) => s + "\n").join(""));
        return Promise.all(results);
      }
      close() {
        this.closed = true;
        this.child.stdin.end();
      }
    };
  }
});

// src/ledger/layout.ts
function padSeq(seq) {
  return String(seq).padStart(SEQ_DIGITS, "0");
}
function entryPath(seq) {
  const p = padSeq(seq);
  return `${ENTRIES_DIR}/${p.slice(0, 3)}/${p.slice(3, 6)}/${p.slice(6, 9)}/${p}.json`;
}
function seqOfEntryPath(path) {
  const m = ENTRY_PATH.exec(path);
  if (!m) return void 0;
  const full = m[4];
  if (full.slice(0, 3) !== m[1] || full.slice(3, 6) !== m[2] || full.slice(6, 9) !== m[3]) return void 0;
  return Number(full);
}
function indexDir(commit) {
  return `${INDEX_DIR}/${commit.slice(0, 2)}/${commit.slice(2, 4)}/${commit}`;
}
function indexPath(commit, seq) {
  return `${indexDir(commit)}/${padSeq(seq)}.json`;
}
function parseIndexPath(path) {
  const m = INDEX_PATH.exec(path);
  if (!m || !m[3].startsWith(m[1] + m[2])) return void 0;
  return { commit: m[3], seq: Number(m[4]) };
}
function indexRecord(r) {
  return JSON.stringify({ seq: r.seq, hash: r.hash, type: r.type, environment: r.environment ?? null }) + "\n";
}
function checkCommitPrefix(prefix) {
  const p = prefix.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(p)) {
    throw new ShiplogError("USAGE", `commit "${prefix}" must be 4 to 40 hex characters`);
  }
  return p;
}
var ENTRIES_DIR, INDEX_DIR, CHECKPOINT_FILE, SEQ_DIGITS, ENTRY_PATH, INDEX_PATH;
var init_layout = __esm({
  "src/ledger/layout.ts"() {
    "use strict";
    init_errors();
    ENTRIES_DIR = "entries";
    INDEX_DIR = "index/commit";
    CHECKPOINT_FILE = "checkpoint";
    SEQ_DIGITS = 12;
    ENTRY_PATH = /^entries\/(\d{3})\/(\d{3})\/(\d{3})\/(\d{12})\.json$/;
    INDEX_PATH = /^index\/commit\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{40})\/(\d{12})\.json$/;
  }
});

// src/ledger/statement.ts
function buildStatement(predicate, serverUrl = "https://github.com") {
  return {
    _type: STATEMENT_TYPE,
    subject: [
      { name: `git+${serverUrl.replace(/\/+$/, "")}/${predicate.repository}`, digest: { gitCommit: predicate.commit } }
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
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("statement is not a JSON object");
  const s = value;
  if (s._type !== STATEMENT_TYPE) fail(`statement _type must be "${STATEMENT_TYPE}"`);
  if (s.predicateType !== PREDICATE_TYPE) fail(`statement predicateType must be "${PREDICATE_TYPE}"`);
  if (!Array.isArray(s.subject) || s.subject.length === 0) fail("statement subject must be a non-empty array");
  for (const sub of s.subject) {
    const o = sub;
    if (typeof o?.name !== "string" || typeof o.digest?.gitCommit !== "string" || !COMMIT_PATTERN.test(o.digest.gitCommit)) {
      fail("statement subject needs a name and a 40-hex digest.gitCommit");
    }
  }
  const p = s.predicate;
  if (typeof p !== "object" || p === null || Array.isArray(p)) fail("statement predicate is not an object");
  if (!Number.isSafeInteger(p.seq) || p.seq < 0) fail("predicate.seq must be a non-negative integer");
  if (typeof p.prev !== "string" || !HASH_PATTERN.test(p.prev)) fail('predicate.prev must be "sha256:" + 64 hex');
  if (!CHANGE_TYPES.includes(p.type)) fail(`predicate.type must be one of ${CHANGE_TYPES.join(", ")}`);
  if (typeof p.timestamp !== "string" || Number.isNaN(Date.parse(p.timestamp))) fail("predicate.timestamp must be a date");
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
var STATEMENT_TYPE, PREDICATE_TYPE, CHANGE_TYPES, RECORDABLE_TYPES;
var init_statement = __esm({
  "src/ledger/statement.ts"() {
    "use strict";
    init_errors();
    init_encoding();
    STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    PREDICATE_TYPE = "https://shiplog.dev/attestations/change/v1";
    CHANGE_TYPES = ["deploy", "migration", "config-override", "override"];
    RECORDABLE_TYPES = ["deploy", "migration", "config-override"];
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
        function closeSync(fd) {
          fs$closeSync.apply(fs, arguments);
          resetQueue();
        }
        Object.defineProperty(closeSync, previousSymbol, {
          value: fs$closeSync
        });
        return closeSync;
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
      return (...args) => new Promise((resolve2, reject) => {
        args.push((err, result) => {
          if (err) {
            reject(err);
          } else {
            resolve2(result);
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

// src/ledger/store.ts
import { existsSync as existsSync2, mkdirSync as mkdirSync2, readFileSync, renameSync as renameSync2, rmSync, writeFileSync as writeFileSync2 } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join as join2, resolve } from "node:path";
import { randomBytes as randomBytes2 } from "node:crypto";
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
  if (/^[a-z][a-z0-9+.-]*::/i.test(r)) throw new ShiplogError("USAGE", `remote helper URLs ("${r.split("::")[0]}::") are not allowed`);
  if (/^(https?|ssh|git):\/\//i.test(r)) return { url: r, isLocal: false };
  if (/^file:\/\//i.test(r)) return { url: r, isLocal: true };
  if (/^[^/\\]+@[^/:]+:/.test(r)) return { url: r, isLocal: false };
  const path = isAbsolute(r) ? r : resolve(r);
  if (!existsSync2(path)) throw new ShiplogError("REMOTE_NOT_FOUND", `ledger remote "${r}" does not exist`);
  return { url: path, isLocal: true };
}
function defaultCacheRoot() {
  if (process.env.SHIPLOG_CACHE_DIR) return process.env.SHIPLOG_CACHE_DIR;
  if (process.env.RUNNER_TEMP) return join2(process.env.RUNNER_TEMP, "shiplog-cache");
  const base = process.env.XDG_CACHE_HOME || join2(homedir(), ".cache");
  return join2(base, "shiplog");
}
function authConfig(token, isLocal) {
  if (!token || isLocal) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return { "http.extraHeader": `AUTHORIZATION: basic ${basic}` };
}
function writableRoot(preferred) {
  try {
    mkdirSync2(preferred, { recursive: true });
    const probe = join2(preferred, `.probe-${process.pid}-${randomBytes2(4).toString("hex")}`);
    writeFileSync2(probe, "");
    rmSync(probe);
    return preferred;
  } catch {
    const fallback = join2(tmpdir(), `shiplog-cache-${process.getuid?.() ?? "user"}`);
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
  const gitDir = join2(root, key, `${mode}.git`);
  if (!existsSync2(join2(gitDir, "config"))) {
    const tmp = `${gitDir}.tmp-${process.pid}-${randomBytes2(4).toString("hex")}`;
    mkdirSync2(tmp, { recursive: true });
    await git(["init", "--bare", "--quiet", tmp]);
    const extra = mode === "append" ? '[core]\n	repositoryformatversion = 1\n[extensions]\n	partialClone = origin\n[remote "origin"]\n	promisor = true\n	partialclonefilter = blob:none\n' : "";
    writeFileSync2(join2(tmp, "config"), readFileSync(join2(tmp, "config"), "utf8") + extra);
    await git(["config", "remote.origin.url", url], { gitDir: tmp });
    try {
      renameSync2(tmp, gitDir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync2(join2(gitDir, "config"))) throw new ShiplogError("GIT_FAILED", `could not create cache ${gitDir}`);
    }
  }
  return { gitDir, location, url, isLocal, mode };
}
async function fetchTip(repo) {
  const ref = repo.mode === "append" ? "refs/shiplog/append-tip" : "refs/shiplog/read-tip";
  const args = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc"];
  if (repo.mode === "append") args.push("--depth=1", "--filter=blob:none");
  if (repo.isLocal && repo.mode === "append") args.push("--upload-pack=git -c uploadpack.allowFilter=true upload-pack");
  args.push("origin", `+refs/heads/${repo.location.branch}:${ref}`);
  const release = await lockRepo(repo.gitDir);
  let result;
  try {
    result = await git(args, {
      gitDir: repo.gitDir,
      allowFail: true,
      config: authConfig(repo.location.token, repo.isLocal)
    });
    if (result.code === 0) {
      return { commit: readRef(repo.gitDir, ref) };
    }
  } finally {
    await release();
  }
  const err = result.stderr;
  if (/couldn't find remote ref/i.test(err)) return void 0;
  if (/does not appear to be a git repository|not found|repository .* does not exist|No such file/i.test(err)) {
    throw new ShiplogError("REMOTE_NOT_FOUND", `ledger remote "${repo.location.remote}" is not a reachable git repository: ${lastLines(err, 1)}`);
  }
  throw new ShiplogError("GIT_FAILED", `fetching the ledger from "${redact(repo.location.remote)}" failed: ${lastLines(err)}`);
}
function redact(url) {
  return url.replace(/\/\/[^@/]+@/, "//***@");
}
function readRef(gitDir, ref) {
  const loose = join2(gitDir, ref);
  if (existsSync2(loose)) return readFileSync(loose, "utf8").trim();
  const packed = readFileSync(join2(gitDir, "packed-refs"), "utf8");
  const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
  if (!line) throw new ShiplogError("GIT_FAILED", `fetched ref ${ref} not found in ${gitDir}`);
  return line.slice(0, 40);
}
async function lockRepo(gitDir) {
  try {
    return await import_proper_lockfile.default.lock(gitDir, {
      realpath: false,
      stale: 3e4,
      retries: { retries: 400, minTimeout: 10, maxTimeout: 150, factor: 1.3, randomize: true }
    });
  } catch (e) {
    throw new ShiplogError("GIT_FAILED", `could not lock the ledger cache ${gitDir}: ${e.message}`);
  }
}
async function pushCommit(repo, commit) {
  const r = await git(
    ["push", "--quiet", "--porcelain", "--no-verify", "origin", `${commit}:refs/heads/${repo.location.branch}`],
    { gitDir: repo.gitDir, allowFail: true, config: authConfig(repo.location.token, repo.isLocal) }
  );
  const text = `${r.stdout.toString("utf8")}
${r.stderr}`;
  if (r.code === 0) return { outcome: "pushed", message: "" };
  if (/\[rejected\]|non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref/i.test(text)) {
    return { outcome: "lost-race", message: lastLines(text, 2) };
  }
  if (/\[remote rejected\]|pre-receive hook declined/i.test(text)) return { outcome: "rejected", message: lastLines(text, 2) };
  if (/does not appear to be a git repository|Could not read from remote/i.test(text)) {
    throw new ShiplogError("REMOTE_NOT_FOUND", `cannot push to ledger remote "${redact(repo.location.remote)}": ${lastLines(text, 1)}`);
  }
  return { outcome: "rejected", message: lastLines(text, 2) };
}
var import_proper_lockfile;
var init_store = __esm({
  "src/ledger/store.ts"() {
    "use strict";
    import_proper_lockfile = __toESM(require_proper_lockfile(), 1);
    init_errors();
    init_encoding();
    init_git();
  }
});

// src/ledger/entry.ts
function decodeEntry(text) {
  let envelope;
  try {
    envelope = parseEnvelope(text);
  } catch (e) {
    throw new EntryProblem("envelope", e.message);
  }
  const payload = Buffer.from(envelope.payload, "base64");
  const paeBytes = pae(envelope.payloadType, payload);
  const hash = entryHashOfPae(paeBytes);
  const payloadText = payload.toString("utf8");
  let value;
  try {
    value = JSON.parse(payloadText);
  } catch (e) {
    throw new EntryProblem("payload", `payload is not JSON: ${e.message}`);
  }
  let canonical;
  try {
    canonical = canonicalJson(value);
  } catch (e) {
    throw new EntryProblem("payload", e.message);
  }
  if (canonical !== payloadText || !Buffer.from(canonical, "utf8").equals(payload)) {
    throw new EntryProblem("payload", "payload is not RFC 8785 canonical JSON");
  }
  let statement;
  try {
    statement = parseStatement(value);
  } catch (e) {
    throw new EntryProblem("statement", e instanceof ShiplogError ? e.message : String(e));
  }
  return { envelope, statement, hash, paeBytes };
}
function checkSignature(entry, trusted) {
  const signer = findSigner(entry.paeBytes, entry.envelope, trusted);
  if (!signer) {
    const ids = entry.envelope.signatures.map((s) => s.keyid.slice(0, 16)).join(", ");
    throw new EntryProblem("signature", `no signature by a trusted key (signed with keyid ${ids || "none"})`);
  }
  return signer;
}
var EntryProblem;
var init_entry = __esm({
  "src/ledger/entry.ts"() {
    "use strict";
    init_errors();
    init_dsse();
    init_encoding();
    init_statement();
    EntryProblem = class extends Error {
      constructor(kind, message) {
        super(message);
        this.kind = kind;
      }
      kind;
    };
  }
});

// src/ledger/read.ts
var read_exports = {};
__export(read_exports, {
  ledgerCommitOf: () => ledgerCommitOf,
  listEntryFiles: () => listEntryFiles,
  listFiles: () => listFiles,
  openForRead: () => openForRead,
  readCheckpointText: () => readCheckpointText,
  readEntriesBySeq: () => readEntriesBySeq,
  readEntryAt: () => readEntryAt,
  readEntryFiles: () => readEntryFiles,
  seqsForCommit: () => seqsForCommit
});
async function openForRead(location) {
  const repo = await openRepo(location, "read");
  const tip = await fetchTip(repo);
  if (!tip) {
    throw new ShiplogError(
      "BRANCH_NOT_FOUND",
      `the ledger branch "${location.branch}" does not exist on "${location.remote}" (nothing has been recorded yet, or the branch name is wrong)`
    );
  }
  return { repo, tip: tip.commit };
}
async function listFiles(snap, dir) {
  const r = await git(["ls-tree", "-r", "-z", "--full-tree", snap.tip, "--", dir], { gitDir: snap.repo.gitDir });
  const out = [];
  for (const rec of r.stdout.toString("utf8").split("\0")) {
    if (!rec) continue;
    const tab = rec.indexOf("	");
    const [, type, blob] = rec.slice(0, tab).split(" ");
    if (type === "blob") out.push({ path: rec.slice(tab + 1), blob });
  }
  return out;
}
async function listEntryFiles(snap) {
  const files = await listFiles(snap, "entries");
  return files.map((f) => ({ ...f, seq: seqOfEntryPath(f.path) }));
}
async function readEntryFiles(snap, files) {
  const out = [];
  await catFileBatch(
    snap.repo.gitDir,
    files.map((f) => f.blob),
    (i, obj) => {
      const f = files[i];
      if (!obj) throw new ShiplogError("GIT_FAILED", `entry blob for ${f.path} is missing`);
      const decoded = decodeAt(f.path, obj.data);
      out.push({ ...decoded, seq: decoded.statement.predicate.seq, path: f.path });
    }
  );
  return out;
}
function decodeAt(path, data) {
  try {
    return decodeEntry(data.toString("utf8"));
  } catch (e) {
    if (e instanceof EntryProblem) {
      throw new ShiplogError("BAD_INPUT", `${path}: ${e.message} (run "shiplog verify" for the full picture)`);
    }
    throw e;
  }
}
async function readCheckpointText(snap) {
  const cat = new CatFileSession(snap.repo.gitDir);
  try {
    const [obj] = await cat.get([`${snap.tip}:${CHECKPOINT_FILE}`]);
    return obj?.type === "blob" ? obj.data.toString("utf8") : void 0;
  } finally {
    cat.close();
  }
}
async function seqsForCommit(snap, prefix) {
  const p = checkCommitPrefix(prefix);
  const files = await listFiles(snap, `${INDEX_DIR}/${p.slice(0, 2)}/${p.slice(2, 4)}`);
  return files.map((f) => parseIndexPath(f.path)).filter((x) => !!x && x.commit.startsWith(p));
}
async function readEntriesBySeq(snap, seqs) {
  const out = [];
  const missing = [];
  await catFileBatch(
    snap.repo.gitDir,
    seqs.map((s) => `${snap.tip}:${entryPath(s)}`),
    (i, obj) => {
      if (!obj) return void missing.push(seqs[i]);
      const decoded = decodeAt(entryPath(seqs[i]), obj.data);
      out.push({ ...decoded, seq: seqs[i], path: entryPath(seqs[i]) });
    }
  );
  if (missing.length) {
    throw new ShiplogError("NOT_FOUND", `no entry file for seq ${missing.join(", ")} (run "shiplog verify")`);
  }
  return out;
}
async function ledgerCommitOf(snap, seq) {
  const r = await git(["log", "-1", "--format=%H", "--diff-filter=A", snap.tip, "--", entryPath(seq)], {
    gitDir: snap.repo.gitDir
  });
  return r.stdout.toString("utf8").trim();
}
async function readEntryAt(location, seq) {
  const snap = await openForRead(location);
  const [entry] = await readEntriesBySeq(snap, [seq]);
  return { ...entry, ledgerCommit: await ledgerCommitOf(snap, seq), checkpoint: await readCheckpointText(snap) ?? "" };
}
var init_read = __esm({
  "src/ledger/read.ts"() {
    "use strict";
    init_errors();
    init_entry();
    init_git();
    init_layout();
    init_store();
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

// src/cli/main.ts
init_errors();

// src/cli/commands/ledger.ts
init_errors();
import { chmodSync, existsSync as existsSync3, mkdirSync as mkdirSync3, writeFileSync as writeFileSync3 } from "node:fs";
import { join as join3 } from "node:path";

// src/ledger/append.ts
init_errors();
import { setTimeout as sleep } from "node:timers/promises";

// src/ledger/checkpoint.ts
init_errors();
init_encoding();
import { sign as cryptoSign, verify as cryptoVerify } from "node:crypto";

// src/ledger/keys.ts
init_errors();
init_encoding();
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
function keyidOf(publicKey) {
  return sha256Hex(publicKey.export({ type: "spki", format: "der" }));
}
function rawPublicKey(publicKey) {
  const der = publicKey.export({ type: "spki", format: "der" });
  return der.subarray(der.length - 32);
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
    throw new ShiplogError("BAD_KEY", `${source} is not a PEM public key (expected "-----BEGIN PUBLIC KEY-----")`);
  }
  if (pem.includes("PRIVATE KEY")) {
    throw new ShiplogError("BAD_KEY", `${source} holds a private key; pass the public key (shiplog.pub) instead`);
  }
  let publicKey;
  try {
    publicKey = createPublicKey({ key: pem, format: "pem" });
  } catch (e) {
    throw new ShiplogError("BAD_KEY", `${source} is not a readable public key: ${e.message}`);
  }
  if (publicKey.asymmetricKeyType !== "ed25519") {
    throw new ShiplogError("BAD_KEY", `${source} is a ${publicKey.asymmetricKeyType ?? "unknown"} key, not Ed25519`);
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
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) bad("body needs an origin, an entry count and a head hash");
  const [origin, sizeText, headB64] = lines;
  if (!origin || /\s/.test(origin)) bad("origin line is empty or has spaces");
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText)) bad(`entry count "${sizeText.slice(0, 40)}" is not a decimal number`);
  const headBytes = Buffer.from(headB64, "base64");
  if (headBytes.length !== 32 || headBytes.toString("base64") !== headB64) bad("head hash is not 32 bytes of base64");
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
function checkpointSigner(cp, trusted) {
  for (const s of cp.signatures) {
    for (const k of trusted) {
      if (!noteKeyHash(s.name, k.raw).equals(s.keyHash) || s.sig.length !== 64) continue;
      if (cryptoVerify(null, Buffer.from(cp.body, "utf8"), k.publicKey, s.sig)) return k;
    }
  }
  return void 0;
}

// src/ledger/append.ts
init_dsse();
init_encoding();
init_git();

// src/ledger/git-objects.ts
import { createHash, randomBytes } from "node:crypto";
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
  const sorted = [...entries].sort((a, b) => {
    const ka = Buffer.from(sortKey(a));
    const kb = Buffer.from(sortKey(b));
    return Buffer.compare(ka, kb);
  });
  return Buffer.concat(
    sorted.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`, "utf8"), Buffer.from(e.sha, "hex")])
  );
}
function serializeCommit(c) {
  const ident = `${c.author.name} <${c.author.email}> ${Math.floor(c.author.date.getTime() / 1e3)} +0000`;
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${ident}`, `committer ${ident}`];
  return Buffer.from(`${lines.join("\n")}

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
  return createHash("sha1").update(`${type} ${content.length}\0`).update(content).digest("hex");
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

// src/ledger/append.ts
init_layout();
init_statement();
init_store();
var RUN_INDEX_DIR = "index/run";
function runIndexDir(idempotencyKey) {
  const h = sha256Hex(idempotencyKey);
  return `${RUN_INDEX_DIR}/${h.slice(0, 2)}/${h}`;
}
function trailer(message, name) {
  return new RegExp(`^${name}: (.+)$`, "m").exec(message)?.[1]?.trim();
}
function parseTipCommit(commit, data) {
  const c = parseCommit(data);
  const seqText = trailer(c.message, "Shiplog-Seq");
  const hash = trailer(c.message, "Shiplog-Entry");
  const origin = trailer(c.message, "Shiplog-Origin");
  if (!seqText || !/^\d+$/.test(seqText) || !hash || !HASH_PATTERN.test(hash) || !origin) {
    throw new ShiplogError(
      "BAD_INPUT",
      `the ledger branch tip ${commit} is not a shiplog commit (missing Shiplog-Seq/Shiplog-Entry/Shiplog-Origin trailers); run "shiplog verify" and check the branch name`
    );
  }
  return { commit, tree: c.tree, seq: Number(seqText), hash, origin };
}
var TreeEditor = class {
  dirs = /* @__PURE__ */ new Map();
  dirty = /* @__PURE__ */ new Set();
  load(dir, entries) {
    this.dirs.set(dir, new Map((entries ?? []).map((e) => [e.name, e])));
  }
  has(dir) {
    return this.dirs.has(dir);
  }
  list(dir) {
    return [...this.dirs.get(dir)?.values() ?? []];
  }
  put(path, sha) {
    const parts = path.split("/");
    const name = parts.pop();
    const dir = parts.join("/");
    if (!this.dirs.has(dir)) this.load(dir, void 0);
    this.dirs.get(dir).set(name, { mode: BLOB_MODE, name, sha });
    for (let i = parts.length; i >= 0; i--) this.dirty.add(parts.slice(0, i).join("/"));
  }
  /** Writes changed trees deepest first and returns the new root tree id. */
  write(gitDir) {
    const order = [...this.dirty].sort((a, b) => depth(b) - depth(a));
    let root = "";
    for (const dir of order) {
      const sha = writeLooseObject(gitDir, "tree", serializeTree(this.dirs.get(dir).values()));
      if (dir === "") root = sha;
      else {
        const parts = dir.split("/");
        const name = parts.pop();
        const parent = parts.join("/");
        if (!this.dirs.has(parent)) this.load(parent, void 0);
        this.dirs.get(parent).set(name, { mode: TREE_MODE, name, sha });
      }
    }
    return root;
  }
};
function depth(dir) {
  return dir === "" ? 0 : dir.split("/").length;
}
function parentDirs(path) {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}
async function loadTrees(cat, tip, dirs, editor) {
  const wanted = ["", ...dirs].filter((d, i, a) => a.indexOf(d) === i && !editor.has(d));
  if (!tip) {
    for (const d of wanted) editor.load(d, void 0);
    return;
  }
  const objs = await cat.get(wanted.map((d) => d === "" ? `${tip.tree}` : `${tip.tree}:${d}`));
  objs.forEach((o, i) => {
    if (o && o.type !== "tree") throw new ShiplogError("BAD_INPUT", `ledger path "${wanted[i]}" is not a folder`);
    editor.load(wanted[i], o ? parseTree(o.data) : void 0);
  });
}
function commitMessage(seq, entry, hash, origin) {
  const title = ["shiplog:", `#${seq}`, entry.type, entry.environment, entry.commit.slice(0, 7)].filter(Boolean).join(" ").replace(/[\r\n]+/g, " ");
  return `${title}

Shiplog-Seq: ${seq}
Shiplog-Entry: ${hash}
Shiplog-Origin: ${origin}
`;
}
async function buildOn(repo, cat, tip, req) {
  const seq = tip ? tip.seq + 1 : 0;
  const prev = tip ? tip.hash : GENESIS_PREV;
  const origin = tip ? tip.origin : checkOrigin(req.origin ?? `shiplog/${repo.location.branch}`);
  const statement = buildStatement({ seq, prev, ...req.entry }, req.serverUrl);
  const { envelope, hash } = signEnvelope(statementBytes(statement), req.key);
  const checkpoint = signCheckpoint({ origin, size: seq + 1, head: hash }, req.key);
  const ePath = entryPath(seq);
  const iPath = indexPath(req.entry.commit, seq);
  const files = [
    [ePath, Buffer.from(JSON.stringify(envelope) + "\n")],
    [iPath, Buffer.from(indexRecord({ seq, hash, type: req.entry.type, environment: req.entry.environment }))],
    [CHECKPOINT_FILE, Buffer.from(checkpoint)]
  ];
  if (req.entry.idempotency_key) {
    files.push([`${runIndexDir(req.entry.idempotency_key)}/${padSeq(seq)}.json`, Buffer.from(indexRecord({ seq, hash, type: req.entry.type, environment: req.entry.environment }))]);
  }
  const editor = new TreeEditor();
  await loadTrees(cat, tip, files.flatMap(([p]) => parentDirs(p)), editor);
  for (const [path, content] of files) editor.put(path, writeLooseObject(repo.gitDir, "blob", content));
  const tree = editor.write(repo.gitDir);
  const commit = writeLooseObject(
    repo.gitDir,
    "commit",
    serializeCommit({
      tree,
      parents: tip ? [tip.commit] : [],
      author: { name: "shiplog", email: "shiplog@users.noreply.github.com", date: new Date(req.entry.timestamp) },
      message: commitMessage(seq, req.entry, hash, origin)
    })
  );
  return { seq, hash, commit, envelope, checkpoint };
}
async function existingRun(cat, tip, key) {
  if (!tip) return [];
  const [obj] = await cat.get([`${tip.tree}:${runIndexDir(key)}`]);
  if (!obj || obj.type !== "tree") return [];
  return parseTree(obj.data).map((e) => /^(\d{12})\.json$/.exec(e.name)?.[1]).filter((s) => !!s).map(Number);
}
var AppendError = class extends ShiplogError {
  envelope;
  constructor(message, envelope, cause) {
    super("APPEND_EXHAUSTED", message, { cause, details: { envelope } });
    this.envelope = envelope;
  }
};
async function appendEntry(req) {
  const maxAttempts = req.maxAttempts ?? (Number(process.env.SHIPLOG_APPEND_ATTEMPTS) || 30);
  const repo = await openRepo(req.location, "append");
  let lastEnvelope;
  let lastReason = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const cat = new CatFileSession(repo.gitDir);
    try {
      const remoteTip = await fetchTip(repo);
      let tip;
      if (remoteTip) {
        const [obj] = await cat.get([remoteTip.commit]);
        if (!obj) throw new ShiplogError("GIT_FAILED", `fetched tip ${remoteTip.commit} is missing from the cache`);
        tip = parseTipCommit(remoteTip.commit, obj.data);
      }
      if (req.entry.idempotency_key && !req.allowDuplicate) {
        const seqs = await existingRun(cat, tip, req.entry.idempotency_key);
        if (seqs.length) return { ...await describeExisting(req, Math.max(...seqs)), attempts: attempt, duplicate: true };
      }
      const built = await buildOn(repo, cat, tip, req);
      lastEnvelope = built.envelope;
      const pushed = await pushCommit(repo, built.commit);
      if (pushed.outcome === "pushed") return { ...built, attempts: attempt, duplicate: false };
      lastReason = pushed.outcome === "lost-race" ? "another writer appended first" : `the remote refused the push: ${pushed.message}`;
    } catch (e) {
      if (e instanceof ShiplogError && !["GIT_FAILED", "GIT_TIMEOUT"].includes(e.code)) {
        throw lastEnvelope ? new AppendError(e.message, lastEnvelope, e) : e;
      }
      lastReason = e.message;
    } finally {
      cat.close();
    }
    if (attempt < maxAttempts) {
      req.onRetry?.(attempt, lastReason);
      const cap = Math.min(2e3, 40 * 2 ** Math.min(attempt, 10));
      await sleep(Math.floor(cap / 2 + Math.random() * (cap / 2)));
    }
  }
  throw new AppendError(`could not append after ${maxAttempts} attempts: ${lastReason}`, lastEnvelope);
}
async function describeExisting(req, seq) {
  const { readEntryAt: readEntryAt2 } = await Promise.resolve().then(() => (init_read(), read_exports));
  const found = await readEntryAt2(req.location, seq);
  return { seq, hash: found.hash, commit: found.ledgerCommit, envelope: found.envelope, checkpoint: found.checkpoint };
}

// src/cli/commands/ledger.ts
init_encoding();

// src/ledger/query.ts
init_errors();
init_read();
async function findEntries(location, filter) {
  const snap = await openForRead(location);
  let entries;
  if (filter.commit) {
    const hits = await seqsForCommit(snap, filter.commit);
    entries = await readEntriesBySeq(snap, [...new Set(hits.map((h) => h.seq))]);
  } else {
    let files = (await listEntryFiles(snap)).sort((a, b) => (b.seq ?? -1) - (a.seq ?? -1));
    if (filter.limit && !filter.environment && !filter.type) files = files.slice(0, filter.limit);
    entries = await readEntryFiles(snap, files);
  }
  const out = entries.filter((e) => !filter.environment || e.statement.predicate.environment === filter.environment).filter((e) => !filter.type || e.statement.predicate.type === filter.type).sort((a, b) => b.seq - a.seq);
  return filter.limit ? out.slice(0, filter.limit) : out;
}
async function showEntry(location, ref) {
  const snap = await openForRead(location);
  let entry;
  if (/^\d+$/.test(ref)) {
    [entry] = await readEntriesBySeq(snap, [Number(ref)]);
  } else {
    const prefix = ref.toLowerCase().replace(/^sha256:/, "");
    if (!/^[0-9a-f]{6,64}$/.test(prefix)) {
      throw new ShiplogError("USAGE", `"${ref}" is neither a seq number nor an entry hash (sha256:<hex>, at least 6 hex)`);
    }
    const all = await readEntryFiles(snap, await listEntryFiles(snap));
    const hits = all.filter((e) => e.hash.slice("sha256:".length).startsWith(prefix));
    if (hits.length > 1) throw new ShiplogError("USAGE", `hash prefix "${ref}" matches ${hits.length} entries; give more digits`);
    entry = hits[0];
  }
  if (!entry) throw new ShiplogError("NOT_FOUND", `no ledger entry ${ref}`);
  return { ...entry, ledgerCommit: await ledgerCommitOf(snap, entry.seq) };
}

// src/cli/commands/ledger.ts
init_statement();

// src/ledger/verify.ts
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

// src/ledger/check-entry.ts
init_entry();
function checkEntryText(input, trusted) {
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
    facts.keyid = checkSignature(entry, trusted).keyid;
  } catch (e) {
    facts.problem = e instanceof EntryProblem ? { kind: e.kind, message: e.message } : { kind: "envelope", message: String(e) };
  }
  return facts;
}

// src/ledger/verify.ts
init_encoding();
init_git();

// src/ledger/history.ts
init_git();
var FORMAT = "%x01%H %P%x02%(trailers:key=Shiplog-Seq,valueonly,separator=%x1f)%x02%(trailers:key=Shiplog-Entry,valueonly,separator=%x1f)%x02%(trailers:key=Shiplog-Origin,valueonly,separator=%x1f)%x03";
async function readHistory(gitDir, tip) {
  const r = await git(
    ["log", "--reverse", "--root", "--raw", "--no-renames", "--no-abbrev", "-z", `--format=${FORMAT}`, tip, "--"],
    { gitDir }
  );
  return parseHistory(r.stdout.toString("utf8"));
}
function parseHistory(out) {
  const commits = [];
  let pos = 0;
  while (pos < out.length) {
    const start = out.indexOf("", pos);
    if (start < 0) break;
    const end = out.indexOf("", start);
    const [head = "", seq, entry, origin] = out.slice(start + 1, end).split("");
    const [sha = "", ...parents] = head.trim().split(" ").filter(Boolean);
    const commit = {
      sha,
      parents,
      seq: seq?.trim() || void 0,
      entry: entry?.trim() || void 0,
      origin: origin?.trim() || void 0,
      changes: []
    };
    pos = end + 1;
    while (pos < out.length && out[pos] !== "") {
      if (out[pos] === ":") {
        const nul = out.indexOf("\0", pos);
        const pathEnd = out.indexOf("\0", nul + 1);
        const fields = out.slice(pos + 1, nul).split(" ");
        commit.changes.push({
          oldBlob: fields[2] ?? "",
          newBlob: fields[3] ?? "",
          status: fields[4] ?? "",
          path: out.slice(nul + 1, pathEnd < 0 ? out.length : pathEnd)
        });
        pos = pathEnd < 0 ? out.length : pathEnd + 1;
      } else pos++;
    }
    commits.push(commit);
  }
  return commits;
}

// src/ledger/verify.ts
init_layout();
init_read();
async function verifyLedger(opts) {
  const snap = await openForRead(opts.location);
  const problems = [];
  const historyPromise = readHistory(snap.repo.gitDir, snap.tip);
  const files = await listEntryFiles(snap);
  const facts = await checkEntries(snap, files, opts.trusted, opts.jobs ?? 1);
  const history = await historyPromise;
  const bySeq = checkChain(facts, problems);
  checkHistory(history, facts, problems);
  const head = bySeq.length ? bySeq[bySeq.length - 1]?.hash : void 0;
  const origin = history[history.length - 1]?.origin;
  const checkpoint = await checkCheckpoint(snap, opts.trusted, bySeq.length, head, origin, problems);
  const older = opts.olderCheckpoint ? checkOlderCheckpoint(opts.olderCheckpoint, opts.trusted, bySeq, origin, problems) : void 0;
  await checkIndex(snap, facts, problems);
  problems.sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  return {
    ok: problems.length === 0,
    remote: opts.location.remote,
    branch: opts.location.branch,
    tip: snap.tip,
    entries: files.length,
    head,
    checkpoint,
    olderCheckpoint: older,
    keys: [...new Set(facts.map((f) => f.keyid).filter((k) => !!k))],
    problems
  };
}
async function checkEntries(snap, files, trusted, jobs) {
  const workers = jobs > 1 ? new WorkerPool(Math.min(jobs, 64), trusted) : void 0;
  const facts = [];
  const pending = [];
  let batch = [];
  const flush = () => {
    if (!workers || batch.length === 0) return;
    const offset = facts.length;
    const items = batch;
    batch = [];
    facts.length += items.length;
    pending.push(workers.run(items).then((res) => res.forEach((f, i) => facts[offset + i] = f)));
  };
  try {
    await catFileBatch(
      snap.repo.gitDir,
      files.map((f) => f.blob),
      (i, obj) => {
        const item = { path: files[i].path, text: obj ? obj.data.toString("utf8") : "" };
        if (workers) {
          batch.push(item);
          if (batch.length >= 256) flush();
        } else facts.push(checkEntryText(item, trusted));
      }
    );
    flush();
    await Promise.all(pending);
  } finally {
    await workers?.close();
  }
  return facts;
}
function checkChain(facts, problems) {
  const good = [];
  const seen = /* @__PURE__ */ new Map();
  for (const f of facts) {
    const fileSeq = seqOfEntryPath(f.path);
    if (fileSeq === void 0) {
      problems.push({ check: "file-name", file: f.path, seq: f.seq, message: `"${f.path}" is not a valid entry file name` });
    }
    if (f.problem) {
      problems.push({ check: f.problem.kind, file: f.path, seq: fileSeq, message: f.problem.message });
      continue;
    }
    if (fileSeq !== void 0 && f.seq !== fileSeq) {
      problems.push({ check: "seq", file: f.path, seq: fileSeq, message: `entry says seq ${f.seq} but its file is named for seq ${fileSeq}` });
    }
    const key = fileSeq ?? f.seq;
    if (seen.has(key)) {
      problems.push({ check: "seq", file: f.path, seq: key, message: `seq ${key} appears twice` });
      continue;
    }
    seen.set(key, f);
  }
  const count = Math.max(facts.length, seen.size ? Math.max(...seen.keys()) + 1 : 0);
  let prevHash = GENESIS_PREV;
  for (let seq = 0; seq < count; seq++) {
    const f = seen.get(seq);
    if (!f) {
      if (!facts.some((x) => seqOfEntryPath(x.path) === seq)) {
        problems.push({ check: "seq", seq, file: entryPath(seq), message: `entry ${seq} is missing (gap in the sequence)` });
      }
      prevHash = void 0;
      continue;
    }
    if (prevHash !== void 0 && f.prev !== prevHash) {
      problems.push({
        check: "prev",
        seq,
        file: f.path,
        message: `prev is ${f.prev} but the entry before it hashes to ${prevHash}`
      });
    }
    prevHash = f.hash;
    good[seq] = f;
  }
  return Array.from({ length: count }, (_, i) => good[i] ?? { path: entryPath(i) });
}
var ALLOWED_EXTRA = (path) => path === CHECKPOINT_FILE || path.startsWith(`${INDEX_DIR}/`) || path.startsWith(`${RUN_INDEX_DIR}/`);
function checkHistory(history, facts, problems) {
  const hashByPath = new Map(facts.map((f) => [f.path, f.hash]));
  history.forEach((c, i) => {
    const where = { commit: c.sha };
    if (i === 0 && c.parents.length !== 0) {
      problems.push({ check: "history", ...where, message: "the first ledger commit has a parent (branch is not orphan)" });
    }
    if (c.parents.length > 1) {
      problems.push({ check: "history", ...where, message: `commit ${c.sha.slice(0, 12)} is a merge; the ledger must be linear` });
    }
    const entryChanges = c.changes.filter((ch) => ch.path.startsWith("entries/"));
    for (const ch of entryChanges) {
      const seq = seqOfEntryPath(ch.path);
      if (ch.status === "M") {
        problems.push({ check: "history", ...where, seq, file: ch.path, message: `commit ${c.sha.slice(0, 12)} modifies existing entry ${ch.path}` });
      } else if (ch.status === "D") {
        problems.push({ check: "history", ...where, seq, file: ch.path, message: `commit ${c.sha.slice(0, 12)} deletes entry ${ch.path}` });
      } else if (ch.status !== "A") {
        problems.push({ check: "history", ...where, seq, file: ch.path, message: `commit ${c.sha.slice(0, 12)} changes ${ch.path} (${ch.status})` });
      }
    }
    const added = entryChanges.filter((ch) => ch.status === "A");
    if (added.length !== 1) {
      problems.push({
        check: "history",
        ...where,
        message: `commit ${c.sha.slice(0, 12)} adds ${added.length} entries; each ledger commit must add exactly one`
      });
    }
    for (const ch of c.changes) {
      if (ch.path.startsWith("entries/")) continue;
      if (!ALLOWED_EXTRA(ch.path)) {
        problems.push({ check: "history", ...where, file: ch.path, message: `commit ${c.sha.slice(0, 12)} touches ${ch.path}, which is not part of the ledger` });
      } else if (ch.path !== CHECKPOINT_FILE && ch.status !== "A") {
        problems.push({ check: "history", ...where, file: ch.path, message: `commit ${c.sha.slice(0, 12)} changes index file ${ch.path} (${ch.status})` });
      }
    }
    if (added.length === 1) {
      const ch = added[0];
      const seq = seqOfEntryPath(ch.path);
      if (seq !== void 0 && seq !== i) {
        problems.push({ check: "history", ...where, seq, file: ch.path, message: `commit #${i} of the branch adds entry ${seq}; entries must be added in order` });
      }
      if (c.seq !== String(seq)) {
        problems.push({ check: "trailer", ...where, seq, file: ch.path, message: `Shiplog-Seq trailer "${c.seq ?? ""}" does not match the added entry ${seq}` });
      }
      const hash = hashByPath.get(ch.path);
      if (!c.entry || !HASH_PATTERN.test(c.entry) || hash && c.entry !== hash) {
        problems.push({ check: "trailer", ...where, seq, file: ch.path, message: `Shiplog-Entry trailer "${c.entry ?? ""}" does not match the entry hash ${hash ?? "(unknown)"}` });
      }
    }
  });
}
async function checkCheckpoint(snap, trusted, count, head, origin, problems) {
  const text = await readCheckpointText(snap);
  if (text === void 0) {
    problems.push({ check: "checkpoint", file: CHECKPOINT_FILE, message: "the ledger has no checkpoint file" });
    return void 0;
  }
  let cp;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: "checkpoint", file: CHECKPOINT_FILE, message: e.message });
    return void 0;
  }
  if (!checkpointSigner(cp, trusted)) {
    problems.push({ check: "checkpoint", file: CHECKPOINT_FILE, message: "checkpoint signature is not valid for any trusted key" });
  }
  if (cp.size !== count) {
    problems.push({ check: "checkpoint", file: CHECKPOINT_FILE, message: `checkpoint counts ${cp.size} entries but the ledger has ${count}` });
  } else if (head && cp.head !== head) {
    problems.push({ check: "checkpoint", file: CHECKPOINT_FILE, message: `checkpoint head ${cp.head} is not the newest entry's hash ${head}` });
  }
  if (origin && cp.origin !== origin) {
    problems.push({ check: "checkpoint", file: CHECKPOINT_FILE, message: `checkpoint origin "${cp.origin}" differs from the ledger's "${origin}"` });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head };
}
function checkOlderCheckpoint(text, trusted, bySeq, origin, problems) {
  let cp;
  try {
    cp = parseCheckpoint(text);
  } catch (e) {
    problems.push({ check: "consistency", message: `older checkpoint: ${e.message}` });
    return void 0;
  }
  const before = problems.length;
  if (!checkpointSigner(cp, trusted)) {
    problems.push({ check: "consistency", message: "the older checkpoint is not signed by a trusted key" });
  }
  if (origin && cp.origin !== origin) {
    problems.push({ check: "consistency", message: `the older checkpoint is for "${cp.origin}", not this ledger ("${origin}")` });
  }
  if (cp.size > bySeq.length) {
    problems.push({
      check: "consistency",
      message: `the ledger has ${bySeq.length} entries but an earlier checkpoint saw ${cp.size}: entries were removed (truncation or rewrite)`
    });
  } else if (cp.size > 0 && bySeq[cp.size - 1]?.hash !== cp.head) {
    problems.push({
      check: "consistency",
      seq: cp.size - 1,
      message: `entry ${cp.size - 1} hashes to ${bySeq[cp.size - 1]?.hash ?? "(unreadable)"} but the earlier checkpoint recorded ${cp.head}: history was rewritten (fork)`
    });
  }
  return { origin: cp.origin, size: cp.size, head: cp.head, consistent: problems.length === before };
}
async function checkIndex(snap, facts, problems) {
  const want = /* @__PURE__ */ new Map();
  for (const f of facts) {
    if (f.seq === void 0 || !f.commit) continue;
    want.set(`${INDEX_DIR}/${f.commit.slice(0, 2)}/${f.commit.slice(2, 4)}/${f.commit}/${String(f.seq).padStart(12, "0")}.json`, f.seq);
    if (f.idempotencyKey) want.set(`${runIndexDir(f.idempotencyKey)}/${String(f.seq).padStart(12, "0")}.json`, f.seq);
  }
  const have = [...await listFiles(snap, "index/commit"), ...await listFiles(snap, RUN_INDEX_DIR)];
  for (const file of have) {
    if (want.delete(file.path)) continue;
    const parsed = parseIndexPath(file.path);
    problems.push({ check: "index", file: file.path, seq: parsed?.seq, message: `index file ${file.path} names no matching entry` });
  }
  for (const [path, seq] of want) {
    problems.push({ check: "index", seq, file: path, message: `entry ${seq} is missing from the index (${path})` });
  }
}
function startWorker(pems) {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL("./verify-worker.js", self), { workerData: { pems } });
  const target = JSON.stringify(new URL("./verify-worker.ts", self).href);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${target}); });`;
  return new Worker(boot, { eval: true, workerData: { pems } });
}
var WorkerPool = class {
  workers;
  next = 0;
  seq = 0;
  waiting = /* @__PURE__ */ new Map();
  constructor(size, trusted) {
    const pems = trusted.map((k) => k.publicKey.export({ type: "spki", format: "pem" }).toString());
    this.workers = Array.from({ length: size }, () => {
      const w = startWorker(pems);
      w.on("message", (m) => {
        this.waiting.get(m.id)?.resolve(m.facts);
        this.waiting.delete(m.id);
      });
      w.on("error", (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      return w;
    });
  }
  run(items) {
    const id = this.seq++;
    const w = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve2, reject) => {
      this.waiting.set(id, { resolve: resolve2, reject });
      w.postMessage({ id, items });
    });
  }
  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
};
function defaultJobs() {
  return availableParallelism();
}

// src/cli/common.ts
import { readFileSync as readFileSync2 } from "node:fs";
init_errors();
init_store();
function addLocationOptions(cmd) {
  return cmd.requiredOption("--remote <url-or-path>", "git URL or path of the repository holding the ledger").option("--ledger-branch <name>", "ledger branch", "shiplog").option("--cache-dir <dir>", "where fetched ledgers are cached (default $SHIPLOG_CACHE_DIR or ~/.cache/shiplog)");
}
function locationFrom(flags) {
  return {
    remote: flags.remote,
    branch: checkBranchName(flags.ledgerBranch),
    cacheDir: flags.cacheDir,
    token: process.env.SHIPLOG_GIT_TOKEN || void 0
  };
}
function readTextFile(path, what) {
  try {
    return readFileSync2(path, "utf8");
  } catch (e) {
    const code = e.code;
    throw new ShiplogError("BAD_INPUT", `cannot read ${what} "${path}": ${code === "ENOENT" ? "no such file" : e.message}`);
  }
}
function signingKeyFrom(keyFile) {
  if (keyFile) return loadSigningKey(readTextFile(keyFile, "key file"), `key file "${keyFile}"`);
  const pem = process.env.SHIPLOG_SIGNING_KEY;
  if (pem) return loadSigningKey(pem, "SHIPLOG_SIGNING_KEY");
  throw new ShiplogError("USAGE", "no signing key: pass --key FILE or set SHIPLOG_SIGNING_KEY to the PEM text");
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
    if (!Number.isSafeInteger(n) || n < 1) throw new ShiplogError("USAGE", `${name} must be a positive integer`);
    return n;
  };
}

// src/cli/output.ts
function table(rows, columns) {
  const cells = rows.map((r) => columns.map((c) => oneLine(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
  const line = (vals) => vals.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
function oneLine(s) {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}
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
    const keyFile = join3(o.out, "shiplog.key");
    const pubFile = join3(o.out, "shiplog.pub");
    if (!o.force && (existsSync3(keyFile) || existsSync3(pubFile))) {
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
      process.stdout.write(`private key: ${keyFile} (keep secret: store it as the SHIPLOG_SIGNING_KEY secret)
`);
      process.stdout.write(`public key:  ${pubFile} (commit it where verifiers can find it)
`);
    }
  });
  addLocationOptions(
    program2.command("record").description("append one signed entry to the ledger").requiredOption("--type <type>", `change type: ${RECORDABLE_TYPES.join(" | ")}`).requiredOption("--commit <sha>", "the 40-hex commit the change is about").requiredOption("--repo <owner/name>", "repository of the commit").option("--key <file>", "PEM private key (default: $SHIPLOG_SIGNING_KEY)").option("--environment <name>", "deployment environment").option("--branch <name>", "code branch the commit was deployed from").option("--server-url <url>", "git server base URL for the statement subject", process.env.GITHUB_SERVER_URL || "https://github.com").option("--details <file>", "JSON object with the change type's own fields (version, status, files...)").option("--idempotency-key <key>", "skip the append when an entry with this key already exists").option("--allow-duplicate", "append even when the idempotency key was already recorded").addOption(jsonOption())
  ).action(async (o) => {
    if (!RECORDABLE_TYPES.includes(o.type)) {
      throw new ShiplogError("USAGE", `--type must be one of ${RECORDABLE_TYPES.join(", ")} (got "${o.type}")`);
    }
    const commit = o.commit.toLowerCase();
    if (!COMMIT_PATTERN.test(commit)) throw new ShiplogError("USAGE", `--commit must be a full 40-hex commit sha (got "${o.commit}")`);
    if (!/^[\w.-]+\/[\w.-]+$/.test(o.repo)) throw new ShiplogError("USAGE", `--repo must be OWNER/NAME (got "${o.repo}")`);
    const details = o.details ? parseDetails(readTextFile(o.details, "details file"), o.details) : void 0;
    const key = signingKeyFrom(o.key);
    try {
      const r = await appendEntry({
        location: locationFrom(o),
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
      if (o.json) printJson({ seq: r.seq, hash: r.hash, ledgerCommit: r.commit, duplicate: r.duplicate, checkpoint: r.checkpoint });
      else {
        process.stdout.write(
          r.duplicate ? `already recorded as seq ${r.seq} ${r.hash} (same idempotency key; nothing appended)
` : `recorded seq ${r.seq} ${r.hash}
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
  addLocationOptions(
    program2.command("verify").description("verify every entry, the chain, the history and the checkpoint against trusted keys").option("--trusted-key <file>", "trusted PEM public key (repeatable)", collect).option("--checkpoint <file>", "an older checkpoint the ledger must extend (detects truncation and forks)").option("--jobs <n>", "worker threads for signature checks (default: all cores)", positiveInt("--jobs")).addOption(jsonOption())
  ).action(async (o) => {
    const trusted = trustedKeysFrom(o.trustedKey);
    const older = o.checkpoint ? readTextFile(o.checkpoint, "checkpoint") : void 0;
    const report = await verifyLedger({ location: locationFrom(o), trusted, olderCheckpoint: older, jobs: o.jobs ?? defaultJobs() });
    if (o.json) printJson(report);
    else process.stdout.write(renderVerify(report));
    if (!report.ok) process.exitCode = 1;
  });
  addLocationOptions(
    program2.command("log").description("list ledger entries, newest first").option("--commit <sha-or-prefix>", "only entries about this commit (answered from the index)").option("--environment <name>", "only this environment").option("--type <type>", "only this change type").option("--limit <n>", "at most this many entries", positiveInt("--limit")).addOption(jsonOption())
  ).action(async (o) => {
    const entries = await findEntries(locationFrom(o), { commit: o.commit, environment: o.environment, type: o.type, limit: o.limit });
    if (o.json) return printJson(entries.map(jsonView));
    if (entries.length === 0) return void process.stdout.write("no matching entries\n");
    process.stdout.write(renderLog(entries) + "\n");
  });
  addLocationOptions(
    program2.command("show").description("show one entry by seq or entry hash").argument("<seq-or-hash>", "a seq number, or sha256:<hex> (a hex prefix works)").addOption(jsonOption())
  ).action(async (ref, o) => {
    const e = await showEntry(locationFrom(o), ref);
    if (o.json) return printJson({ ...jsonView(e), envelope: e.envelope });
    process.stdout.write(`seq        ${e.seq}
hash       ${e.hash}
ledger     ${e.ledgerCommit ?? ""}
file       ${e.path}
`);
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
  return { seq: e.seq, hash: e.hash, ledgerCommit: e.ledgerCommit, statement: e.statement };
}
function approvalSummary(e) {
  const a = e.statement.predicate.approval;
  if (!a) return "-";
  const who = Array.isArray(a.approvers) ? a.approvers.filter((x) => !x.stale).map((x) => x.login).join(",") : "";
  return who ? `${a.status} (${who})` : a.status;
}
function renderLog(entries) {
  return table(entries, [
    { header: "SEQ", value: (e) => String(e.seq) },
    { header: "TIME", value: (e) => e.statement.predicate.timestamp.replace(/\.\d+Z$/, "Z") },
    { header: "TYPE", value: (e) => e.statement.predicate.type },
    { header: "ENV", value: (e) => e.statement.predicate.environment ?? "-" },
    { header: "REPO", value: (e) => e.statement.predicate.repository },
    { header: "COMMIT", value: (e) => e.statement.predicate.commit.slice(0, 12) },
    { header: "ACTOR", value: (e) => String(e.statement.predicate.actor?.login ?? "-") },
    { header: "APPROVAL", value: approvalSummary }
  ]);
}
function renderVerify(r) {
  const lines = [];
  if (r.ok) {
    lines.push(colour.green(`ledger valid: ${r.entries} entries, chain intact, signatures trusted`));
  } else {
    lines.push(colour.red(`ledger INVALID: ${r.problems.length} problem(s) in ${r.entries} entries`));
    lines.push(
      table(r.problems, [
        { header: "CHECK", value: (p) => p.check },
        { header: "SEQ", value: (p) => p.seq === void 0 ? "-" : String(p.seq) },
        { header: "FILE", value: (p) => p.file ?? (p.commit ? `commit ${p.commit.slice(0, 12)}` : "-") },
        { header: "PROBLEM", value: (p) => p.message }
      ])
    );
  }
  lines.push(`branch ${r.branch} at ${r.tip}`);
  if (r.head) lines.push(`head   ${r.head}`);
  if (r.checkpoint) lines.push(`checkpoint ${r.checkpoint.origin} size ${r.checkpoint.size}`);
  if (r.olderCheckpoint) {
    lines.push(
      r.olderCheckpoint.consistent ? `extends the older checkpoint (size ${r.olderCheckpoint.size})` : `does NOT extend the older checkpoint (size ${r.olderCheckpoint.size})`
    );
  }
  return lines.join("\n") + "\n";
}

// src/cli/commands/policy.ts
function registerPolicyCommands(_program) {
}

// src/cli/main.ts
function buildProgram() {
  const program2 = new Command("shiplog").description("Signed, hash-chained change ledger and approval gates for CI/CD").version("0.1.0").showHelpAfterError().exitOverride();
  registerLedgerCommands(program2);
  registerPolicyCommands(program2);
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
