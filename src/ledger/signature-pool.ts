/**
 * Worker threads that check Ed25519 signatures for verify. Entries travel in batches packed into a
 * few transferred buffers (no per-entry structured cloning), and the number of batches in flight
 * is capped so a 100k-entry ledger never sits in memory twice.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SignatureJob } from './check-entry.ts';
import type { TrustedKey } from './keys.ts';

/** The wire form of one batch: PAE bytes and 64-byte signatures, concatenated, with end offsets. */
export interface PackedBatch {
  id: number;
  pae: Uint8Array<ArrayBuffer>;
  paeEnds: Uint32Array<ArrayBuffer>;
  sigs: Uint8Array<ArrayBuffer>;
  /** Per entry: the end index of its signatures in `sigs` (counted in signatures). */
  sigEnds: Uint32Array<ArrayBuffer>;
  hints: Int32Array<ArrayBuffer>;
}

export function packBatch(id: number, jobs: SignatureJob[]): PackedBatch {
  let paeLen = 0;
  let sigCount = 0;
  for (const j of jobs) {
    paeLen += j.paeBytes.length;
    sigCount += j.candidates.length;
  }
  const b: PackedBatch = {
    id,
    pae: new Uint8Array(paeLen),
    paeEnds: new Uint32Array(jobs.length),
    sigs: new Uint8Array(sigCount * 64),
    sigEnds: new Uint32Array(jobs.length),
    hints: new Int32Array(sigCount),
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

/** The inverse of packBatch, for the worker: yields each entry's PAE bytes and candidates. */
export function* unpackBatch(b: PackedBatch): Generator<SignatureJob> {
  let p = 0;
  let s = 0;
  for (let i = 0; i < b.paeEnds.length; i++) {
    const paeBytes = b.pae.subarray(p, b.paeEnds[i]);
    p = b.paeEnds[i]!;
    const candidates = [];
    for (; s < b.sigEnds[i]!; s++)
      candidates.push({ sig: b.sigs.subarray(s * 64, s * 64 + 64), hint: b.hints[s]! });
    yield { paeBytes, candidates, keyids: [] };
  }
}

function startWorker(pems: string[]): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) {
    // Bundled: next to this file, or — when this code landed in a chunk under dist/cli-chunks/ —
    // beside the entry point one folder up.
    const here = new URL('./verify-worker.js', self);
    const up = new URL('../verify-worker.js', self);
    const script = existsSync(fileURLToPath(here)) || !existsSync(fileURLToPath(up)) ? here : up;
    return new Worker(script, { workerData: { pems } });
  }
  // From source (tests, benchmarks) the worker is TypeScript: register the tsx loader in it first.
  const target = JSON.stringify(new URL('./verify-worker.ts', self).href);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${target}); });`;
  return new Worker(boot, { eval: true, workerData: { pems } });
}

export class SignaturePool {
  private readonly workers: Worker[];
  private next = 0;
  private ids = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (s: Int32Array) => void; reject: (e: Error) => void }
  >();
  private readonly maxInFlight: number;
  private drained: (() => void)[] = [];
  /** Set once a worker failed (or could not start): every batch, pending or later, fails with it. */
  private failed?: Error;
  private closing = false;

  constructor(size: number, trusted: TrustedKey[]) {
    const pems = trusted.map((k) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    this.maxInFlight = size * 4;
    this.workers = Array.from({ length: size }, () => {
      const w = startWorker(pems);
      w.on('message', (m: { id: number; signers: Int32Array }) =>
        this.settle(m.id, (p) => p.resolve(m.signers)),
      );
      const fail = (e: Error) => {
        this.failed ??= e;
        for (const id of [...this.waiting.keys()]) this.settle(id, (p) => p.reject(this.failed!));
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!this.closing) fail(new Error(`a signature worker stopped (exit code ${code})`));
      });
      return w;
    });
  }

  /** Signer index per job (into the trusted keys), or -1. */
  run(jobs: SignatureJob[]): Promise<Int32Array> {
    if (this.failed) return Promise.reject(this.failed);
    const batch = packBatch(this.ids++, jobs);
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(batch.id, { resolve, reject });
      w.postMessage(batch, [
        batch.pae.buffer,
        batch.paeEnds.buffer,
        batch.sigs.buffer,
        batch.sigEnds.buffer,
        batch.hints.buffer,
      ]);
    });
  }

  /** Resolves once there is room for another batch; undefined when there already is. */
  room(): Promise<void> | undefined {
    if (this.waiting.size < this.maxInFlight) return undefined;
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private settle(
    id: number,
    how: (p: { resolve: (s: Int32Array) => void; reject: (e: Error) => void }) => void,
  ): void {
    const p = this.waiting.get(id);
    if (!p) return;
    this.waiting.delete(id);
    how(p);
    if (this.waiting.size < this.maxInFlight) for (const d of this.drained.splice(0)) d();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
