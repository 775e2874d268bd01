/**
 * Proofs over a ledger's stored tiles with as few round trips as a cold reader can manage: the
 * proof is first run against a recording reader (which hashes it reads does not depend on their
 * values), the tiles it needs are fetched in one go, then it runs for real.
 */
import type { HashReader } from './merkle.ts';
import type { TileModel } from './tiles.ts';

export async function proveFromTiles<T>(
  tiles: TileModel,
  objects: { fetch(oids: string[]): Promise<void> },
  run: (reader: HashReader) => Promise<T>,
  /** Seqs whose entry tiles the caller reads next (tiles.entryBlob), fetched with the proof's tiles. */
  entrySeqs: number[] = [],
): Promise<T> {
  const coords: [number, number][] = [];
  const zero = Buffer.alloc(32);
  await run({
    hash: (level, index) => {
      coords.push([level, index]);
      return zero;
    },
  });
  await objects.fetch(await tiles.tilesFor(coords, entrySeqs, (oids) => objects.fetch(oids)));
  return run(tiles.hashReader());
}
