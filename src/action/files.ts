/**
 * Workspace files named by globs (migrations, config files, artifacts), each recorded as its path
 * and SHA-256. Only digests leave this module — config files hold secrets, so their content is
 * streamed into the hash and never kept. Nothing outside the workspace is read: patterns may not
 * climb out, and a symlink pointing outside is refused.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { ShiplogError } from '../errors.ts';

export interface HashedFile {
  path: string;
  sha256: string;
}

/** Folders never worth walking for a pattern that does not name them. */
const SKIP_DIRS = new Set(['.git', 'node_modules']);
const MAX_FILES_PER_INPUT = 10_000;

/** Validates one pattern line: relative, inside the workspace, no NUL. Returns it normalized. */
export function checkPattern(input: string, pattern: string): string {
  const p = pattern.replace(/\\/g, '/');
  if (p.includes('\0')) throw new ShiplogError('USAGE', `input "${input}": pattern contains a NUL byte`);
  if (p.startsWith('!')) {
    throw new ShiplogError(
      'USAGE',
      `input "${input}": exclusions ("${p}") are not supported; list what to include`,
    );
  }
  if (isAbsolute(p) || /^[A-Za-z]:\//.test(p) || p.startsWith('~')) {
    throw new ShiplogError(
      'USAGE',
      `input "${input}": "${p}" is absolute; patterns are relative to the workspace (GITHUB_WORKSPACE)`,
    );
  }
  if (p.split('/').includes('..')) {
    throw new ShiplogError('USAGE', `input "${input}": "${p}" climbs out of the workspace ("..")`);
  }
  return p.replace(/^(\.\/)+/, '');
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Workspace-relative paths (with `/`) under `base` that `isMatch` accepts, sorted. */
async function walk(
  root: string,
  base: string,
  isMatch: (p: string) => boolean,
  input: string,
): Promise<string[]> {
  const found: string[] = [];
  const pending = [base];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, dir), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
        continue;
      throw new ShiplogError(
        'BAD_INPUT',
        `input "${input}": cannot read folder "${dir || '.'}": ${(e as Error).message}`,
      );
    }
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      // Symlinked folders are not followed: a loop or a link out of the workspace would be walked too.
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) pending.push(rel);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isMatch(rel)) {
        found.push(rel);
        if (found.length > MAX_FILES_PER_INPUT) {
          throw new ShiplogError(
            'BAD_INPUT',
            `input "${input}": more than ${MAX_FILES_PER_INPUT} files match; narrow the patterns`,
          );
        }
      }
    }
  }
  return found;
}

/** The files matching each pattern, hashed. A pattern matching nothing is an error: it is likely a typo. */
export async function hashFiles(workspace: string, patterns: string[], input: string): Promise<HashedFile[]> {
  if (patterns.length === 0) return [];
  const root = await realpath(workspace).catch(() => {
    throw new ShiplogError('BAD_INPUT', `the workspace "${workspace}" does not exist (GITHUB_WORKSPACE)`);
  });
  const paths = new Set<string>();
  for (const pattern of patterns) {
    const scan = picomatch.scan(pattern);
    let matches: string[];
    if (!scan.isGlob) {
      const s = await lstat(join(root, pattern)).catch(() => undefined);
      matches = s && !s.isDirectory() ? [pattern] : [];
    } else {
      const isMatch = picomatch(pattern, { dot: true });
      matches = await walk(root, scan.base, isMatch, input);
    }
    if (matches.length === 0) {
      throw new ShiplogError('BAD_INPUT', `input "${input}": no file in the workspace matches "${pattern}"`);
    }
    for (const m of matches) paths.add(m);
  }
  const sorted = [...paths].sort();
  const out: HashedFile[] = [];
  for (const path of sorted) {
    const full = join(root, ...path.split('/'));
    const real = await realpath(full).catch(() => {
      throw new ShiplogError('BAD_INPUT', `input "${input}": "${path}" is a broken link`);
    });
    if (!inside(root, real)) {
      throw new ShiplogError(
        'BAD_INPUT',
        `input "${input}": "${path}" links outside the workspace; refusing to read it`,
      );
    }
    if (!(await stat(real)).isFile()) continue;
    out.push({ path: path.split(sep).join('/'), sha256: await sha256OfFile(real) });
  }
  return out;
}
