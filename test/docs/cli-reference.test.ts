/**
 * README's CLI reference and `shiplog … --help` say the same thing: every flag a command's help
 * lists is in that command's README row (or in the paragraph on the flags every command takes),
 * every flag a row names exists, and a flag the command cannot run without is written outside
 * brackets in README and marked "(required)" in the help. Failures name the command and the flag.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const section = README.slice(README.indexOf('### Reference'));
const reference = section.slice(0, section.indexOf('\n### ', 5));
/** The paragraph on the flags every ledger command takes. */
const common = reference.slice(0, reference.indexOf('| command |'));
const rows = reference.split('\n').filter((l) => l.startsWith('| `'));

interface Leaf {
  path: string;
  cmd: Command;
}

function leaves(cmd: Command, prefix = ''): Leaf[] {
  return cmd.commands.flatMap((c) => {
    const path = `${prefix}${c.name()}`;
    return c.commands.length ? leaves(c, `${path} `) : [{ path, cmd: c }];
  });
}

const commands = leaves(buildProgram()).filter((l) => l.path !== 'help');

/** The README row whose first cell starts with a usage of this command (`verify …`, `app redeliver …`). */
function rowOf(path: string): string | undefined {
  const starts = (usage: string): boolean => usage === path || usage.startsWith(`${path} `);
  // The longest command path wins: `policy evaluate` is not `policy`.
  return rows.find((r) => {
    const cell = r.split(' | ')[0]!;
    return [...cell.matchAll(/`([^`]+)`/g)].some((m) => starts(m[1]!.replace(/\\\|/g, '|')));
  });
}

const flagsIn = (text: string): Set<string> => new Set(text.match(/--[a-z][a-z0-9-]*/g) ?? []);

/** A usage with every [...] group removed: what is left is required. */
function requiredPart(usage: string): string {
  let s = usage;
  for (let prev = ''; prev !== s;) {
    prev = s;
    s = s.replace(/\[[^[\]]*\]/g, '');
  }
  return s;
}

describe('README reference and --help agree', () => {
  it('every command has a README row', () => {
    const missing = commands.filter((c) => !rowOf(c.path)).map((c) => c.path);
    expect(missing, `commands with no row in README's "### Reference" table`).toEqual([]);
  });

  it.each(commands.map((c) => [c.path, c.cmd] as const))(
    '%s: same flags in --help and README',
    (path, cmd) => {
      const row = rowOf(path);
      if (!row) return; // reported above
      const usage = row.split(' | ')[0]!;
      const documented = flagsIn(row);
      const inCommon = flagsIn(common);
      const helpFlags = cmd.options.map((o) => o.long!).filter(Boolean);
      const problems: string[] = [];
      for (const f of helpFlags)
        if (!documented.has(f) && !inCommon.has(f))
          problems.push(`${path}: ${f} is in --help but not in README`);
      for (const f of documented)
        if (!helpFlags.includes(f) && f !== '--help')
          problems.push(`${path}: README names ${f}, which --help does not list`);
      for (const o of cmd.options.filter((o) => o.mandatory)) {
        if (inCommon.has(o.long!) && !documented.has(o.long!)) continue; // --remote: said once, above the table
        if (!flagsIn(requiredPart(usage)).has(o.long!))
          problems.push(
            `${path}: ${o.long} is required but README writes it in [brackets] or not in the usage`,
          );
      }
      const help = cmd.helpInformation();
      for (const o of cmd.options.filter((o) => o.mandatory))
        if (!new RegExp(`${o.long}[^\\n]*(\\n {20,}[^\\n]*)*\\(required\\)`).test(help))
          problems.push(`${path}: --help does not mark ${o.long} (required)`);
      expect(problems).toEqual([]);
    },
  );
});
