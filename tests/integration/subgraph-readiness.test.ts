import { createLogger } from '../../platform/logger';
import { ServiceRuntime } from '../../platform/runtime';
import { discoverSubgraphs } from '../../platform/subgraphs';
import { generateContextKeyPair } from '../../platform/tenant-context';
import type { SubgraphFactory } from '../../subgraphs/kit/main';
import { startSubgraph } from '../../subgraphs/kit/server';
import { createTestDatabase, type TestDatabase } from '../support/db';

/*
 * Every module subgraph answers /ready with the kit's one check (every shard
 * server reachable); access with its own (the control plane answers).
 */

const logger = createLogger('test', 'silent');
const keys = generateContextKeyPair();
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** Each subgraph's /ready status over HTTP, built from `shards`. */
async function readiness(shards: Record<string, string>): Promise<Record<string, number>> {
  const runtime = new ServiceRuntime({ ...database.config, shards }, logger);
  const statuses: Record<string, number> = {};
  try {
    for (const manifest of discoverSubgraphs()) {
      const { createSubgraph } = (await import(`../../subgraphs/${manifest.name}/subgraph`)) as { createSubgraph: SubgraphFactory };
      const running = await startSubgraph(createSubgraph(runtime), { port: 0, portVariable: 'TEST_PORT', publicKey: keys.publicKey, logger });
      try {
        statuses[manifest.name] = (await fetch(running.url.replace(/\/graphql$/, '/ready'))).status;
      } finally {
        await running.stop();
      }
    }
  } finally {
    await runtime.close();
  }
  return statuses;
}

describe('subgraph readiness', () => {
  it('is ready when every shard server and the control plane answer', async () => {
    expect(await readiness(database.config.shards)).toEqual({ access: 200, assets: 200, employees: 200, finance: 200, payroll: 200 });
  });

  it('makes every module subgraph unavailable while one shard server is down; access only needs the control plane', async () => {
    // Nothing listens on port 1: the second shard's server is down.
    const shards = { ...database.config.shards, east: 'postgres://postgres@127.0.0.1:1/postgres' };
    expect(await readiness(shards)).toEqual({ access: 200, assets: 503, employees: 503, finance: 503, payroll: 503 });
  });
});
