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
    const expected = name === 'migrate' ? /^on-failure(:\d+)?$/ : /^(unless-stopped|always)$/;
    expect(compose.services[name]!.restart).toMatch(expected);
  });
});
