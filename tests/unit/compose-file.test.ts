import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse as parseGraphQL, type EnumTypeDefinitionNode } from 'graphql';
import { parse as parseYaml } from 'yaml';

const root = path.resolve(__dirname, '..', '..');

/** Service names the supergraph routes to: the `name:` of each join__Graph value. */
function routedSubgraphs(): string[] {
  const document = parseGraphQL(fs.readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8'));
  const joinGraph = document.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
  return (joinGraph?.values ?? []).map((value) => {
    const name = value.directives?.find((d) => d.name.value === 'join__graph')?.arguments?.find((a) => a.name.value === 'name')?.value;
    if (name?.kind !== Kind.STRING) throw new Error(`join__Graph.${value.name.value} has no name argument`);
    return name.value;
  });
}

interface ComposeService {
  command?: string[];
  restart?: string;
  healthcheck?: { test?: string[] };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

// merge: compose files share settings through YAML anchors and `<<` merge keys.
const compose = parseYaml(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

/** Jobs that run once before the services: the only ones given the superuser's password. */
const ONE_SHOT_JOBS = ['db-roles', 'migrate'];

describe('docker-compose.yml', () => {
  const subgraphs = routedSubgraphs();

  it('reads the subgraphs from the supergraph', () => {
    expect(subgraphs).toContain('access');
  });

  it.each([...subgraphs, 'gateway', 'postgres'])('runs %s with a health check', (name) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service!.healthcheck?.test?.length).toBeGreaterThan(0);
  });

  it.each(subgraphs)('starts subgraph %s from its entry point and routes the gateway to it', (name) => {
    const service = compose.services[name]!;
    expect(service.command).toEqual(['node', `dist/subgraphs/${name}/main.js`]);
    expect(fs.existsSync(path.join(root, 'subgraphs', name, 'main.ts'))).toBe(true);
    const variable = `FLUXO_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
    expect(compose.services.gateway!.environment?.[variable]).toMatch(new RegExp(`^http://${name}:\\d+/graphql$`));
    expect(compose.services.gateway!.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
  });

  it('runs the outbox worker when the code has one', () => {
    if (!fs.existsSync(path.join(root, 'worker', 'main.ts'))) return;
    expect(compose.services.worker?.command).toEqual(['node', 'dist/worker/main.js']);
  });

  it('migrates the control plane before any service starts', () => {
    expect(compose.services.migrate?.command).toEqual(['node', 'dist/cli/main.js', 'migrate']);
    const services = [...subgraphs, 'gateway', ...(compose.services.worker ? ['worker'] : [])];
    for (const name of services) expect(compose.services[name]!.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it.each(Object.keys(compose.services))('restarts %s when it dies', (name) => {
    // A one-shot job is retried on failure only; a long-running service comes back until stopped on purpose.
    const expected = ONE_SHOT_JOBS.includes(name) ? /^on-failure(:\d+)?$/ : /^(unless-stopped|always)$/;
    expect(compose.services[name]!.restart).toMatch(expected);
  });

  it('creates the database roles before migrating, as the owner role', () => {
    expect(compose.services['db-roles']?.command).toEqual(['node', 'dist/cli/main.js', 'db', 'roles']);
    for (const name of [...subgraphs, 'gateway', 'worker'])
      expect(compose.services['db-roles']!.environment).toHaveProperty(`FLUXO_${name.toUpperCase()}_DB_PASSWORD`);
    expect(compose.services.migrate!.depends_on?.['db-roles']).toEqual({ condition: 'service_completed_successfully' });
    expect(compose.services.migrate!.environment?.FLUXO_DB_ROLES).toBe('1');
  });

  it.each([...subgraphs, 'gateway', 'worker'])('runs %s as its own database role, never the superuser', (name) => {
    const environment = compose.services[name]!.environment ?? {};
    expect(environment.FLUXO_DB_ROLES).toBe('1');
    // No login in the URL: the service puts its own role and password in it.
    expect(new URL(environment.DATABASE_URL!).username).toBe('');
    expect(Object.keys(environment).filter((v) => v.endsWith('_DB_PASSWORD'))).toEqual([`FLUXO_${name.toUpperCase()}_DB_PASSWORD`]);
    expect(JSON.stringify(environment)).not.toContain('POSTGRES_PASSWORD');
  });
});
