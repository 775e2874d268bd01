/**
 * A writer's side of tlog-witness: submit a checkpoint with a consistency proof from the size the
 * witness holds, and keep the cosignature only when it verifies with the witness key the writer
 * was given. A witness that is down, slow or refusing never fails the caller: it gets a reason.
 */
import { readFileSync } from 'node:fs';
import { ShiplogError } from '../errors.ts';
import { parseCheckpoint } from '../ledger/checkpoint.ts';
import { loadTrustedKey, type TrustedKey } from '../ledger/keys.ts';
import { findCosignature, signatureLines } from './cosignature.ts';
import { formatAddCheckpoint } from './request.ts';

export interface WitnessTarget {
  /** The witness's submission prefix (POST <url>/add-checkpoint). */
  url: string;
  key: TrustedKey;
}

export type CosignOutcome =
  | { url: string; ok: true; line: string; oldSize: number }
  | { url: string; ok: false; reason: string; storedSize?: number };

/** The consistency proof from `oldSize` to the checkpoint's size. */
export type ProofSource = (oldSize: number) => Promise<Buffer[]>;

const DEFAULT_TIMEOUT_MS = 5000;

/** `URL=KEYFILE` (CLI `--witness`, the Action's `witnesses` lines, SHIPLOG_WITNESSES). */
export function parseWitnessTarget(
  spec: string,
  readKey: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): WitnessTarget {
  const m = /^(https?:\/\/[^\s=]+)=(.+)$/.exec(spec.trim());
  if (!m) throw new ShiplogError('USAGE', `a witness is URL=KEYFILE with an http(s) URL (got "${spec}")`);
  const url = m[1]!.replace(/\/+$/, '');
  const keyText = m[2]!.includes('-----BEGIN') ? m[2]! : readKeyFile(m[2]!, readKey);
  return { url, key: loadTrustedKey(keyText, `witness key of ${url}`) };
}

function readKeyFile(path: string, readKey: (path: string) => string): string {
  try {
    return readKey(path);
  } catch (e) {
    throw new ShiplogError('BAD_INPUT', `cannot read the witness key "${path}": ${(e as Error).message}`);
  }
}

/** Several targets: one spec per line or comma (blank lines and # comments ignored). */
export function parseWitnessTargets(
  text: string | undefined,
  readKey?: (path: string) => string,
): WitnessTarget[] {
  if (!text) return [];
  return text
    .split(/[\r\n,]/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .map((l) => parseWitnessTarget(l, readKey));
}

async function post(
  url: string,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; type: string; text: string }> {
  const r = await fetch(`${url}/add-checkpoint`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return {
    status: r.status,
    type: r.headers.get('content-type') ?? '',
    text: (await r.text()).slice(0, 64 * 1024),
  };
}

/**
 * Asks one witness to cosign `checkpointText`, starting from `guess` (the size it cosigned last, as
 * far as the writer knows); on 409 it retries once from the size the witness says it holds.
 */
export async function requestCosignature(
  target: WitnessTarget,
  checkpointText: string,
  guess: number,
  proofFrom: ProofSource,
  opts: { timeoutMs?: number } = {},
): Promise<CosignOutcome> {
  const cp = parseCheckpoint(checkpointText);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let oldSize = Math.min(guess, cp.size);
  for (let attempt = 1; ; attempt++) {
    let proof: Buffer[];
    try {
      proof = await proofFrom(oldSize);
    } catch (e) {
      return {
        url: target.url,
        ok: false,
        reason: `no consistency proof from size ${oldSize}: ${(e as Error).message}`,
      };
    }
    let r;
    try {
      r = await post(target.url, formatAddCheckpoint(oldSize, proof, checkpointText), timeoutMs);
    } catch (e) {
      return { url: target.url, ok: false, reason: `unreachable: ${(e as Error).message}` };
    }
    if (r.status === 200) {
      const c = findCosignature(cp.body, signatureLines(r.text), target.key);
      if (!c) return { url: target.url, ok: false, reason: 'answered 200 without a cosignature by its key' };
      return { url: target.url, ok: true, line: c.line, oldSize };
    }
    if (r.status === 409 && /^(0|[1-9]\d{0,15})\n$/.test(r.text)) {
      const stored = Number(r.text.trim());
      if (stored > cp.size)
        return {
          url: target.url,
          ok: false,
          storedSize: stored,
          reason: `it cosigned size ${stored}, larger than this checkpoint's ${cp.size}: a newer checkpoint from another writer, or the ledger was rolled back or forked`,
        };
      if (attempt === 1 && stored !== oldSize) {
        oldSize = stored;
        continue;
      }
      return { url: target.url, ok: false, storedSize: stored, reason: `conflict: it holds size ${stored}` };
    }
    return { url: target.url, ok: false, reason: `answered ${r.status}: ${r.text.trim().slice(0, 200)}` };
  }
}
