import type Redis from 'ioredis';

/** A bucket's size and how fast it fills again. */
export interface BucketShape {
  capacity: number;
  refillPerSecond: number;
}

export interface Spending {
  /** False when the bucket held less than the cost: nothing was taken. */
  allowed: boolean;
  /** Points left after this spending (whole points, rounded down). */
  remaining: number;
  /** Seconds until the bucket holds the cost again; 0 when allowed. */
  retryAfterSeconds: number;
}

/** A token bucket per credential: spends `cost` points from `key`'s bucket if it holds them. */
export interface CostBudget {
  spend(key: string, cost: number, shape: BucketShape): Promise<Spending>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket after refilling from `at` to `now`, and the spending it allows. */
function refillAndSpend(bucket: Bucket | undefined, now: number, cost: number, shape: BucketShape): { bucket: Bucket; spending: Spending } {
  const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
  // Rounded to a millionth of a point, so refills in small steps add up to what one step would give.
  const held = bucket ? Math.min(shape.capacity, Math.round((bucket.tokens + (elapsed * shape.refillPerSecond) / 1000) * 1e6) / 1e6) : shape.capacity;
  const allowed = held >= cost;
  const tokens = allowed ? held - cost : held;
  const retryAfterSeconds = allowed ? 0 : Math.max(1, Math.ceil((cost - held) / shape.refillPerSecond));
  return { bucket: { tokens, at: now }, spending: { allowed, remaining: Math.floor(tokens), retryAfterSeconds } };
}

/** Buckets in this process's memory: one gateway, or the fallback while Redis cannot answer. */
export function memoryCostBudget(now: () => number = Date.now): CostBudget {
  const buckets = new Map<string, Bucket>();
  return {
    async spend(key, cost, shape) {
      const { bucket, spending } = refillAndSpend(buckets.get(key), now(), cost, shape);
      // A full bucket is the same as none: forgetting it keeps the map as small as the callers who spent recently.
      if (bucket.tokens >= shape.capacity) buckets.delete(key);
      else buckets.set(key, bucket);
      return spending;
    },
  };
}

/**
 * The same arithmetic as refillAndSpend, atomic in Redis so that every gateway
 * spends from one bucket. The time comes from the gateway (replicas' clocks
 * agree to well under a second, and tests can drive it); a bucket expires once
 * it would be full again.
 */
const SPEND_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local held = capacity
if state[1] then
  held = math.min(capacity, math.floor((tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate / 1000) * 1e6 + 0.5) / 1e6)
end
local allowed = 0
if held >= cost then
  held = held - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(held), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - held) / rate * 1000) + 1000)
return { allowed, tostring(held) }
`;

/**
 * Buckets in Redis shared by every gateway; while Redis cannot answer, each
 * process spends from its own memory, as the request limits do.
 */
export function redisCostBudget(store: Redis, now: () => number = Date.now): CostBudget {
  const fallback = memoryCostBudget(now);
  return {
    async spend(key, cost, shape) {
      const at = now();
      let reply: [number, string];
      try {
        reply = (await store.eval(SPEND_SCRIPT, 1, `fluxo:cost:${key}`, shape.capacity, shape.refillPerSecond, at, cost)) as [number, string];
      } catch {
        return fallback.spend(key, cost, shape);
      }
      const held = Number(reply[1]);
      const allowed = reply[0] === 1;
      return { allowed, remaining: Math.floor(held), retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - held) / shape.refillPerSecond)) };
    },
  };
}
