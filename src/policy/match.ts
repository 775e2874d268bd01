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
 * Throws BAD_POLICY for a glob that cannot be compiled; the returned matcher never throws.
 */
export function compilePaths(patterns: readonly string[]): PathMatcher {
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const glob = normaliseGlob(negated ? raw.slice(1) : raw);
    if (glob === '') {
      throw new ShiplogError('BAD_POLICY', `path pattern "${raw}" is empty`);
    }
    let re: RegExp;
    try {
      re = picomatch.makeRe(glob, GLOB_OPTIONS);
    } catch (e) {
      throw new ShiplogError('BAD_POLICY', `path pattern "${raw}" is not a valid glob`, { cause: e });
    }
    (negated ? exclude : include).push(re);
  }
  if (include.length === 0) return () => false;
  return (path: string): boolean => {
    if (typeof path !== 'string' || path === '') return false;
    return include.some((re) => re.test(path)) && !exclude.some((re) => re.test(path));
  };
}

/** GitHub reports paths relative to the root without a leading slash; people often write one. */
function normaliseGlob(glob: string): string {
  return glob.replace(/^(?:\.\/|\/)+/, '');
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
