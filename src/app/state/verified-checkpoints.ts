/**
 * The last checkpoint the app verified per ledger, in Redis: shared by the replicas and durable
 * (no expiry), so a restarted replica, or another one, holds the ledger against what was verified
 * before — a ledger deleted or rewritten below it while the app was down is refused, not taken for
 * a first deploy.
 *
 * "Keep the larger" is one Lua script, atomic however many replicas verify at once. Redis
 * unreachable: the error goes to the gate, which refuses and says why (fail closed) — forgetting
 * the kept checkpoint would let a deleted ledger pass as a first deploy.
 */
import type { Redis } from 'ioredis';
import { parseCheckpoint } from '../../ledger/checkpoint.ts';
import type { VerifiedCheckpoint, VerifiedCheckpointStore } from '../verified-checkpoints.ts';
import { KEY_PREFIX } from './redis.ts';

const KEEP_LARGER = `
local old = redis.call('get', KEYS[1])
if old then
  local kept = cjson.decode(old)
  if tonumber(kept.size) > tonumber(ARGV[2]) then return 0 end
end
redis.call('set', KEYS[1], ARGV[1])
return 1`;

export class RedisVerifiedCheckpoints implements VerifiedCheckpointStore {
  constructor(private readonly redis: Redis) {}

  async get(ledgerKey: string): Promise<VerifiedCheckpoint | undefined> {
    const raw = await this.redis.get(this.key(ledgerKey));
    if (!raw) return undefined;
    const kept = JSON.parse(raw) as { verified: VerifiedCheckpoint };
    return kept.verified;
  }

  async set(ledgerKey: string, checkpoint: VerifiedCheckpoint): Promise<void> {
    const size = parseCheckpoint(checkpoint.checkpoint).size;
    await this.redis.eval(
      KEEP_LARGER,
      1,
      this.key(ledgerKey),
      JSON.stringify({ size, verified: checkpoint }),
      size,
    );
  }

  private key(ledgerKey: string): string {
    return `${KEY_PREFIX}verified:${ledgerKey}`;
  }
}
