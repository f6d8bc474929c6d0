import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { memoryCostBudget, redisCostBudget, type CostBudget } from '../../gateway/cost-budget';
import { testRedis } from '../support/redis';

const SHAPE = { capacity: 100, refillPerSecond: 4 };

/** The same story told to either store: spend, refuse, refill in steps and in one, never past the capacity. */
async function tellsTheBucketStory(budgetOn: (clock: () => number) => CostBudget): Promise<void> {
  let now = 1_000_000;
  const budget = budgetOn(() => now);
  const k = `k-${randomUUID()}`;
  expect(await budget.spend(k, 70, SHAPE)).toEqual({ allowed: true, remaining: 30, retryAfterSeconds: 0 });
  // 50 needs 20 more: 5 s at 4 a second.
  expect(await budget.spend(k, 50, SHAPE)).toEqual({ allowed: false, remaining: 30, retryAfterSeconds: 5 });
  now += 4_999;
  expect((await budget.spend(k, 50, SHAPE)).allowed).toBe(false);
  now += 1;
  expect(await budget.spend(k, 50, SHAPE)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
  now += 3_600_000;
  expect(await budget.spend(k, 0, SHAPE)).toEqual({ allowed: true, remaining: 100, retryAfterSeconds: 0 });
}

describe('memoryCostBudget', () => {
  it('spends from a full bucket, refuses what it cannot pay without spending, and refills with time up to its capacity', async () => {
    await tellsTheBucketStory((clock) => memoryCostBudget(clock));
  });

  it('keeps one bucket per key', async () => {
    const budget = memoryCostBudget(() => 0);
    expect((await budget.spend('a', 100, SHAPE)).remaining).toBe(0);
    expect((await budget.spend('b', 10, SHAPE)).remaining).toBe(90);
  });
});

describe('redisCostBudget', () => {
  it('tells the same story in Redis', async () => {
    const redis = await testRedis();
    const store = new Redis(redis.url);
    try {
      await tellsTheBucketStory((clock) => redisCostBudget(store, clock));
    } finally {
      store.disconnect();
      await redis.stop();
    }
  });

  it("spends from this process's memory while Redis cannot answer", async () => {
    // Nothing listens on port 1: every command fails at once.
    const unreachable = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    unreachable.on('error', () => undefined);
    try {
      const budget = redisCostBudget(unreachable, () => 0);
      expect(await budget.spend('k', 60, SHAPE)).toEqual({ allowed: true, remaining: 40, retryAfterSeconds: 0 });
      expect(await budget.spend('k', 60, SHAPE)).toEqual({ allowed: false, remaining: 40, retryAfterSeconds: 5 });
    } finally {
      unreachable.disconnect();
    }
  });
});
