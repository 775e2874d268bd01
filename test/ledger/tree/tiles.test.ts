/**
 * The tiles as storage: a model rebuilt from the git objects a run of appends wrote gives the same
 * root and proofs as the leaves themselves, across sealed tiles and cascading sealed lists.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTree } from '../../../src/ledger/git-objects.ts';
import type { ObjectReader } from '../../../src/ledger/index-model.ts';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/tree/merkle.ts';
import { TileModel, TILE_WIDTH } from '../../../src/ledger/tree/tiles.ts';

class Store implements ObjectReader {
  readonly objects = new Map<string, Buffer>();
  reads = 0;
  async tree(oid: string): Promise<Buffer> {
    return this.get(oid);
  }
  async blob(oid: string): Promise<Buffer> {
    this.reads++;
    return this.get(oid);
  }
  private get(oid: string): Buffer {
    const o = this.objects.get(oid);
    if (!o) throw new Error(`missing ${oid}`);
    return o;
  }
}

const leafOf = (i: number): Buffer => leafHash(createHash('sha256').update(`entry ${i}`).digest());
/** A stand-in for entry i's blob id. */
const blobOf = (i: number): string => createHash('sha1').update(`entry ${i}`).digest('hex');

describe('Merkle tiles', () => {
  it('a model read back from stored objects proves what the leaves prove (sealed tiles and lists, 46k leaves)', async () => {
    const store = new Store();
    const leaves: Buffer[] = [];
    let model = TileModel.empty();
    const dirs: string[] = [];
    const n = 46_000; // > 175 full tiles: the level-0 `sealed` list seals into `sealed-2`
    for (let i = 0; i < n; i++) {
      const leaf = leafOf(i);
      leaves.push(leaf);
      // Objects are kept where a later read needs them: each seal, and the commits read back below.
      const keep = i % TILE_WIDTH === TILE_WIDTH - 1 || [1000, 29_999, n - 1].includes(i);
      const step = model.apply(leaf, blobOf(i), { objects: keep });
      for (const o of step.objects) store.objects.set(o.oid, o.content);
      dirs.push(step.tree);
      if (i === 1000) {
        // Appends continue from the stored tiles exactly as from the model that wrote them.
        model = await TileModel.at(step.tree, i + 1, store);
        await model.prepare({ every: true });
      }
    }
    const levelZero = parseTree(store.objects.get(parseTree(store.objects.get(dirs[n - 1]!)!)[0]!.sha)!);
    // the partial tile, the newest full one (held so that its blob stays reachable), the lists
    expect(levelZero.map((e) => e.name).sort()).toEqual([
      String(Math.floor(n / TILE_WIDTH) - 1),
      String(Math.floor(n / TILE_WIDTH)),
      'sealed',
      'sealed-2',
    ]);

    const at = await TileModel.at(dirs[n - 1]!, n, store);
    await at.prepare();
    const root = rootFromLeafHashes(leaves);
    expect(at.root().equals(root)).toBe(true);
    const reader = at.hashReader();
    for (const i of [0, 255, 256, 40_000, 45_999, 12_345]) {
      const path = await inclusionProof(i, n, reader);
      expect(verifyInclusion(i, n, leaves[i]!, path, root)).toBe(true);
    }
    for (const m of [1, 256, 40_001, 45_999]) {
      const proof = await consistencyProof(m, n, reader);
      expect(verifyConsistency(m, n, rootFromLeafHashes(leaves.slice(0, m)), root, proof)).toBe(true);
    }
    // The entry tiles name each seq's entry blob: in the partial tile, the newest full one, sealed ones.
    for (const i of [0, 255, 256, 12_345, 45_567, 45_568, 45_999])
      expect(await at.entryBlob(i), `seq ${i}`).toBe(blobOf(i));
    await expect(at.entryBlob(n)).rejects.toThrow(/no entry 46000/);
    // An older commit's tiles give that size's root.
    const old = await TileModel.at(dirs[29_999]!, 30_000, store);
    await old.prepare();
    expect(old.root().equals(rootFromLeafHashes(leaves.slice(0, 30_000)))).toBe(true);
  }, 60_000);

  it('refuses a folder whose shape is not what the size implies', async () => {
    const store = new Store();
    let model = TileModel.empty();
    let dir = '';
    for (let i = 0; i < 300; i++) {
      const step = model.apply(leafOf(i), blobOf(i));
      for (const o of step.objects) store.objects.set(o.oid, o.content);
      dir = step.tree;
    }
    await expect(TileModel.at(dir, 299, store).then((m) => m.prepare())).rejects.toThrow(/tiles/);
    await expect(TileModel.at(undefined, 3, store)).rejects.toThrow(/tiles/);
    model = await TileModel.at(dir, 300, store);
    await model.prepare();
    expect(model.root().equals(rootFromLeafHashes(Array.from({ length: 300 }, (_, i) => leafOf(i))))).toBe(
      true,
    );
  });
});
