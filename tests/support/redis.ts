import Redis from 'ioredis';
import { dockerReachable } from './global-setup';

export interface TestRedis {
  url: string;
  source: string;
  stop: () => Promise<void>;
}

const LOCAL = 'redis://127.0.0.1:6379';

/** Whether a Redis server answers at `url` within half a second. */
async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * The Redis of the tests that need one, found like the test PostgreSQL:
 * TEST_REDIS_URL, else one answering on 127.0.0.1:6379 (this machine and CI
 * run one), else a testcontainers Redis when a Docker engine is reachable.
 */
export async function testRedis(): Promise<TestRedis> {
  const none = async () => undefined;
  if (process.env.TEST_REDIS_URL) return { url: process.env.TEST_REDIS_URL, source: 'TEST_REDIS_URL', stop: none };
  if (await answers(LOCAL)) return { url: LOCAL, source: 'local', stop: none };
  if (dockerReachable()) {
    const { GenericContainer } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      source: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  throw new Error('this test needs Redis: set TEST_REDIS_URL, run one on 127.0.0.1:6379, or make a Docker engine reachable for testcontainers');
}
