/**
 * Which rules a pull request's changed files trigger. A file counts under its current name and its
 * previous one, so renaming something out of a protected folder still needs the folder's approvals.
 */
import picomatch from 'picomatch';
import { ShiplogError } from '../errors.ts';
import type { ChangedFile, MatchedFile, Rule } from './model.ts';

export type PathMatcher = (path: string) => boolean;

// `nonegate`: leading `!` is handled here, so a second one is a literal character, not a double negation.
const GLOB_OPTIONS = { dot: true, nonegate: true } as const;

/**
 * Compiles a rule's `paths`: a path matches when some positive glob matches and no `!` glob does.
 * With only exclusions there is nothing to include, so the matcher matches nothing — an exclusion
 * list alone must not silently protect (or unprotect) the whole repository.
 *
 * Patterns mean what they look like: `db/migrations/` (a directory) and `db/migrations` (a plain
 * path, no glob characters) cover everything under it as well as the path itself. A pattern that
 * could never match a path GitHub reports (`./x`, `/x`, `a//b`, `a/../b`, surrounding spaces) is
 * refused rather than left to protect nothing.
 * Throws BAD_POLICY for such a pattern or a glob that cannot be compiled; the matcher never throws.
 */
export function compilePaths(patterns: readonly string[]): PathMatcher {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const glob = negated ? raw.slice(1) : raw;
    if (glob === '') {
      throw new ShiplogError('BAD_POLICY', `path pattern "${raw}" is empty`);
    }
    const never = neverMatches(glob);
    if (never) throw new ShiplogError('BAD_POLICY', `path pattern "${raw}" ${never}`);
    for (const form of expand(glob)) {
      let re: RegExp;
      try {
        re = picomatch.makeRe(form, GLOB_OPTIONS);
      } catch (e) {
        throw new ShiplogError('BAD_POLICY', `path pattern "${raw}" is not a valid glob`, { cause: e });
      }
      (negated ? exclude : include).push(re);
    }
  }
  if (include.length === 0) return () => false;
  return (path: string): boolean => {
    if (typeof path !== 'string' || path === '') return false;
    return include.some((re) => re.test(path)) && !exclude.some((re) => re.test(path));
  };
}

/**
 * Why a pattern can never match a path as GitHub reports it (relative to the root, `/`-separated,
 * no `.` or `..` segments), or undefined. GitHub's paths have no leading `./` or `/`: writing one
 * is a mistake to point out, not to guess around.
 */
function neverMatches(glob: string): string | undefined {
  const root = 'paths are relative to the repository root, e.g. "db/migrations/"';
  if (glob !== glob.trim()) return 'starts or ends with a space, which no changed path does';
  if (glob.startsWith('./')) return `starts with "./", which no changed path does (${root})`;
  if (glob.startsWith('/')) return `is absolute, which no changed path is (${root})`;
  if (glob.includes('//')) return 'contains "//", which no changed path does';
  if (glob.split('/').some((s) => s === '.' || s === '..')) {
    return 'contains a "." or ".." segment, which no changed path does';
  }
  return undefined;
}

/** The globs a pattern stands for: a directory (or plain path) also stands for everything under it. */
function expand(glob: string): string[] {
  if (glob.endsWith('/')) return [`${glob}**`];
  if (!picomatch.scan(glob).isGlob) return [glob, `${glob}/**`];
  return [glob];
}

export interface RuleMatch {
  rule: Rule;
  matchedFiles: MatchedFile[];
}

/** Every rule with the files it matched, in policy order; rules that matched nothing included. */
export function matchRules(rules: readonly Rule[], files: readonly ChangedFile[]): RuleMatch[] {
  return rules.map((rule) => {
    const matches = compilePaths(rule.paths);
    const matchedFiles: MatchedFile[] = [];
    for (const file of files) {
      if (
        matches(file.filename) ||
        (file.previous_filename !== undefined && matches(file.previous_filename))
      ) {
        matchedFiles.push(describeFile(file));
      }
    }
    return { rule, matchedFiles };
  });
}

function describeFile(file: ChangedFile): MatchedFile {
  const out: MatchedFile = { filename: file.filename };
  if (file.previous_filename !== undefined) out.previous_filename = file.previous_filename;
  if (file.status !== undefined) out.status = file.status;
  return out;
}
