/**
 * The Node versions shiplog says it runs on (issue 18): package.json's `engines` is what every
 * locked dependency accepts, so `npm ci` on a version inside it prints no EBADENGINE warning; README
 * states the same range; and CI runs the suite on Node 24, the Action's runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** Every locked package's own Node range, by package path. */
function lockedRanges(): [string, string][] {
  const out: [string, string][] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const node = !Array.isArray(p.engines) ? p.engines?.node : undefined;
    if (path && node) out.push([path.replace(/^.*node_modules\//, ''), node]);
  }
  return out;
}

describe('supported Node versions', () => {
  it('every locked dependency accepts the oldest release of each line engines admits, and Node 24', () => {
    const range = pkg.engines.node;
    // The oldest release of each major line the range admits (minor releases up to .40 looked at).
    const admitted = [20, 21, 22, 23, 24, 25].flatMap((major) => {
      for (let minor = 0; minor <= 40; minor++)
        if (semver.satisfies(`${major}.${minor}.0`, range)) return [`${major}.${minor}.0`];
      return [];
    });
    expect(admitted).toContain('24.0.0');
    expect(admitted).not.toContain('20.0.0');
    // Node 25 and later only for what the dependencies allow: the check runs the lines in force.
    const checked = admitted.filter((v) => semver.major(v) <= 24);
    const refused = lockedRanges().flatMap(([name, r]) =>
      checked.filter((v) => !semver.satisfies(v, r)).map((v) => `${name} (${r}) refuses Node ${v}`),
    );
    expect(refused).toEqual([]);
    // And the range is not wider than needed below 24: one release older would be refused by some.
    const below = semver.minVersion(range)!;
    const older = semver.parse(`${below.major}.${below.minor - 1}.0`)!;
    expect(lockedRanges().some(([, r]) => !semver.satisfies(older, r))).toBe(true);
  });

  it('README states the same range', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`${pkg.engines.node}\``);
  });

  it.runIf(process.env.CI)('CI runs the suite on Node 24, the runtime of the Action (`node24`)', () => {
    expect(semver.major(process.version)).toBe(24);
    const action = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    expect(action).toMatch(/using: ['"]?node24/);
  });
});
