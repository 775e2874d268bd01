import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catFileBatch, CatFileSession } from '../../src/ledger/git.ts';

let gitDir: string;
let blobs: { id: string; data: Buffer }[];

beforeAll(() => {
  gitDir = mkdtempSync(join(tmpdir(), 'shiplog-git-'));
  execFileSync('git', ['init', '--bare', '--quiet', gitDir]);
  // Sizes around the 64 KiB pipe chunks: empty, tiny, chunk-straddling, and several MiB.
  const sizes = [0, 1, 65_535, 65_536, 65_537, 3_000_000, 17, 200_000];
  blobs = sizes.map((n) => {
    const data = randomBytes(n);
    data.forEach((_, i) => i % 97 === 0 && (data[i] = 10)); // newlines inside the data
    const id = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: gitDir, input: data })
      .toString()
      .trim();
    return { id, data };
  });
});

afterAll(() => rmSync(gitDir, { recursive: true, force: true }));

describe('catFileBatch', () => {
  it('returns every object byte for byte, in request order, with missing ones as undefined', async () => {
    const specs = [...blobs.map((b) => b.id), 'f'.repeat(40), ...blobs.map((b) => b.id).reverse()];
    const got: (Buffer | undefined)[] = [];
    await catFileBatch(gitDir, specs, (i, obj) => {
      expect(i).toBe(got.length);
      got.push(obj && Buffer.from(obj.data));
    });
    const want = [...blobs.map((b) => b.data), undefined, ...blobs.map((b) => b.data).reverse()];
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expect(g?.equals(want[i]!) ?? g).toBe(want[i] ? true : undefined));
  });

  it('waits for a consumer that returns a promise, without losing or reordering objects', async () => {
    const specs = Array.from({ length: 40 }, (_, i) => blobs[i % blobs.length]!.id);
    const seen: number[] = [];
    await catFileBatch(gitDir, specs, async (i, obj) => {
      await new Promise((r) => setTimeout(r, 2));
      expect(obj?.data.equals(blobs[i % blobs.length]!.data)).toBe(true);
      seen.push(i);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(specs.map((_, i) => i));
  });
});

describe('CatFileSession', () => {
  it('answers several rounds with one process', async () => {
    const cat = new CatFileSession(gitDir);
    try {
      const [a, missing] = await cat.get([blobs[5]!.id, '0'.repeat(40)]);
      expect(a?.data.equals(blobs[5]!.data)).toBe(true);
      expect(missing).toBeUndefined();
      const [b] = await cat.get([blobs[1]!.id]);
      expect(b).toMatchObject({ type: 'blob', sha: blobs[1]!.id });
    } finally {
      cat.close();
    }
  });
});

describe('catFileBatch failures', () => {
  it('rejects with the consumer error and stops git', async () => {
    const specs = Array.from({ length: 200 }, (_, i) => blobs[i % blobs.length]!.id);
    await expect(
      catFileBatch(gitDir, specs, async (i) => {
        if (i === 3) throw new Error('consumer broke');
      }),
    ).rejects.toThrow('consumer broke');
  });
});
