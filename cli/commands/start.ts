import fs from 'node:fs';
import path from 'node:path';
import {
  childEnvironment,
  disableApolloTelemetry,
  envName,
  loadConfig,
  subgraphPortVariable,
  subgraphUrlVariable,
  withControlPlane,
  type FluxoConfig,
} from '../../platform/config';
import { withDatabase } from '../../platform/db';
import { assertPortFree, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../platform/embedded-postgres';
import { createLogger, type Logger } from '../../platform/logger';
import { loadLocalSecrets, type LocalSecrets } from '../../platform/secrets';
import { exportKeyPairPem } from '../../platform/tenant-context';
import { Supervisor, type ServiceSpec, type SupervisedService } from '../../app/supervisor';
import { discoverSubgraphs, subgraphPort } from '../../platform/subgraphs';
import { ownSignals, stopOnSignals } from '../../platform/process';
import { ensureDemoCompany, type DemoOutcome } from './demo';
import { seedDemoCompany } from './seed';
import { prepareControlPlane, setUpDatabaseRoles, withAccessDeps } from '../support';
import { loginServices, passwordVariable, serviceConfig, serviceOfSubgraph } from '../../platform/db-roles';
import { syncTenants } from '../../subgraphs/access/provisioning/tenant-sync';

interface Stoppable {
  stop: () => Promise<void>;
}

/**
 * `fluxo start`: the whole product on one machine. Without DATABASE_URL an
 * embedded PostgreSQL in the data dir holds the control plane and is shard
 * `default`. Every subgraph, the worker and the gateway run as child processes
 * of this one, which restarts any that dies (app/supervisor.ts). Stops in
 * reverse order of starting: gateway, subgraphs and worker, PostgreSQL.
 */
export async function startCommand(options: { demo?: boolean }): Promise<void> {
  disableApolloTelemetry();
  // Every setting is checked here, before anything starts.
  const config = loadConfig();
  const demo = Boolean(options.demo) || config.start.demo;
  const logger = createLogger('fluxo', config.logLevel);

  // Every port is probed before PostgreSQL starts, so a clash costs nothing to report.
  await assertPortFree(config.gateway.port, 'PORT');
  for (const manifest of discoverSubgraphs()) await assertPortFree(subgraphPort(manifest, config), subgraphPortVariable(manifest.name));

  const started: Stoppable[] = [];
  // Once only: a signal may arrive while a failed start-up is already stopping.
  let stopping: Promise<void> | null = null;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const service of [...started].reverse()) await service.stop();
    })());
  const stopped = async () => {
    await stopAll();
    process.stderr.write('Fluxo stopped.\n');
  };
  stopOnSignals(stopped, (line) => process.stderr.write(`${line}\n`));
  try {
    // Libraries' own signal handlers, added while starting, would race our ordered stop.
    await ownSignals(() => launch({ config, logger, demo, started }));
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function launch(input: { config: FluxoConfig; logger: Logger; demo: boolean; started: Stoppable[] }): Promise<void> {
  const { logger, started } = input;
  const placed = await controlPlaneConfig(input.config, logger, started);
  const { embedded } = placed;
  const secrets = loadLocalSecrets(placed.config.dataDir, placed.config.secrets, placed.config.databaseRoles.passwords);
  // The embedded server always runs each service as its own role; another server when FLUXO_DB_ROLES says so.
  const config = embedded || placed.config.databaseRoles.enabled ? withRoles(placed.config, secrets) : placed.config;
  const adopted = config.databaseRoles.enabled ? await setUpDatabaseRoles(config) : false;
  await prepareControlPlane(config);
  // A data dir from before roles: its tenants are handed to the owner role and granted once.
  if (adopted) await withAccessDeps(config, (deps) => syncTenants(deps, { concurrency: 2 }));
  const supervisor = new Supervisor(logger.child({ component: 'supervisor' }));
  started.push(supervisor);
  const services = await startServices(config, secrets, supervisor);
  const demo = input.demo ? await withAccessDeps(config, (deps) => ensureDemoCompany(deps, config.dataDir)) : null;
  // Sample data through the same domain code as the API; a restart finds it there and adds nothing.
  if (demo) demo.seeded = await seedDemoCompany(config, demo.slug);
  process.stdout.write(banner({ config, services, secrets, embedded, demo }));
}

interface StartedServices {
  gateway: SupervisedService;
  subgraphs: SupervisedService[];
  worker: SupervisedService;
}

/**
 * Each service through its own entry point, as in a deployment: the subgraphs
 * and the worker first, then the gateway with their URLs. Only the gateway gets
 * the private key that signs tenant contexts; subgraphs get the public one.
 */
async function startServices(config: FluxoConfig, secrets: LocalSecrets, supervisor: Supervisor): Promise<StartedServices> {
  const pem = exportKeyPairPem(secrets.contextKeys);
  const sessionPem = exportKeyPairPem(secrets.sessionKeys);
  const base = childEnvironment({
    DATABASE_URL: config.databaseUrl,
    HOST: '127.0.0.1',
    APOLLO_TELEMETRY_DISABLED: '1',
    FLUXO_CONTEXT_PRIVATE_KEY: null,
    FLUXO_SESSION_PRIVATE_KEY: null,
    FLUXO_ADMIN_TOKEN: null,
    // Each child learns only its own database password (databaseLogin).
    ...Object.fromEntries(loginServices().map((s) => [passwordVariable(s), null])),
    FLUXO_DATA_MASTER_KEY: null,
  });
  const login = (service: string) => databaseLogin(config, service);
  const subgraphSpecs: ServiceSpec[] = discoverSubgraphs().map((manifest) => ({
    name: manifest.name,
    entry: `subgraphs/${manifest.name}/main`,
    env: {
      ...base,
      ...login(serviceOfSubgraph(manifest)),
      FLUXO_CONTEXT_PUBLIC_KEY: pem.publicKeyPem,
      // Only the access subgraph signs people's access tokens.
      ...(manifest.name === 'access' ? { FLUXO_SESSION_PRIVATE_KEY: sessionPem.privateKeyPem } : {}),
      // Only the employees subgraph holds personal data.
      ...(manifest.name === 'employees' ? { FLUXO_DATA_MASTER_KEY: secrets.dataMasterKey } : {}),
      [subgraphPortVariable(manifest.name)]: String(subgraphPort(manifest, config)),
    },
  }));
  const [worker, ...subgraphs] = await supervisor.startAll([{ name: 'worker', entry: 'worker/main', env: { ...base, ...login('worker') } }, ...subgraphSpecs]);
  const urls = Object.fromEntries(subgraphs.map((s) => [subgraphUrlVariable(s.spec.name), s.url ?? '']));
  const gateway = await supervisor.start({
    name: 'gateway',
    entry: 'gateway/main',
    env: {
      ...base,
      ...login('gateway'),
      ...urls,
      PORT: String(config.gateway.port),
      FLUXO_ADMIN_TOKEN: secrets.adminToken,
      FLUXO_CONTEXT_PRIVATE_KEY: pem.privateKeyPem,
      FLUXO_SESSION_PUBLIC_KEY: sessionPem.publicKeyPem,
    },
  });
  return { gateway, subgraphs, worker: worker! };
}

/** The configuration with database roles on and every service's password, as `fluxo start` runs its children. */
function withRoles(config: FluxoConfig, secrets: LocalSecrets): FluxoConfig {
  return { ...config, databaseRoles: { ...config.databaseRoles, enabled: true, passwords: secrets.databasePasswords } };
}

/**
 * A child's database settings: with roles on, its own password and a
 * DATABASE_URL that names its own login, so no child holds the superuser's.
 */
function databaseLogin(config: FluxoConfig, service: string): Record<string, string> {
  if (!config.databaseRoles.enabled) return {};
  return {
    FLUXO_DB_ROLES: '1',
    FLUXO_DB_ROLE_PREFIX: config.databaseRoles.prefix,
    [passwordVariable(service)]: config.databaseRoles.passwords[envName(service)]!,
    DATABASE_URL: serviceConfig(config, service).databaseUrl,
  };
}

async function controlPlaneConfig(
  config: FluxoConfig,
  logger: Logger,
  started: Stoppable[],
): Promise<{ config: FluxoConfig; embedded: EmbeddedPostgresHandle | null }> {
  if (config.given.has('DATABASE_URL')) return { config, embedded: null };
  const dir = path.join(config.dataDir, 'postgres');
  const port = config.start.embeddedPostgresPort;
  const pgLogger = logger.child({ component: 'postgres' });
  const embedded = await startEmbeddedPostgres({
    dir,
    port,
    portVariable: 'FLUXO_EMBEDDED_PG_PORT',
    log: (line) => pgLogger.debug(line),
    warn: (line) => pgLogger.warn(line),
  });
  started.push({ stop: () => stopEmbeddedPostgres(embedded, dir) });
  // The embedded server is both the control plane (database `fluxo`) and shard `default`.
  return { config: withControlPlane(config, withDatabase(embedded.url, 'fluxo')), embedded };
}

/**
 * A Ctrl-C in a terminal reaches PostgreSQL too (same process group), so it
 * may already be gone; embedded-postgres' stop() would then wait forever for
 * an exit that already happened. postmaster.pid disappears when it shuts down.
 */
async function stopEmbeddedPostgres(handle: EmbeddedPostgresHandle, dir: string): Promise<void> {
  if (!fs.existsSync(path.join(dir, 'postmaster.pid'))) return;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 15_000);
  });
  try {
    await Promise.race([handle.stop(), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** One banner line: a label column, then the value. */
const row = (label: string, value: string) => `  ${label.padEnd(19)} ${value}`;
const more = (value: string) => row('', value);

function banner(input: {
  config: FluxoConfig;
  services: StartedServices;
  secrets: LocalSecrets;
  embedded: EmbeddedPostgresHandle | null;
  demo: DemoOutcome | null;
}): string {
  const { config, services, secrets, embedded, demo } = input;
  const gatewayUrl = services.gateway.url ?? '';
  const base = gatewayUrl.replace(/\/graphql$/, '');
  const pid = (service: SupervisedService) => `(pid ${service.pid ?? '?'})`;
  const tokenFile = path.join(config.dataDir, 'secrets', 'admin-token');
  const lines = [
    '',
    'Fluxo is running.',
    row('GraphQL gateway', `${gatewayUrl}${config.gateway.sandbox ? '  (Apollo Sandbox: open it in a browser)' : ''}`),
    more(`(gateway ${pid(services.gateway)}; each service is its own process, restarted if it dies)`),
    ...(config.gateway.sandbox ? [row('explorer', `${base}/explorer  (GraphiQL, works offline)`)] : []),
    row('portal', `${base}/portal  (ask for a subscription)`),
    row('operator console', `${base}/admin  (an operator account, or the admin token below)`),
    row('company console', `${base}/console`),
    ...services.subgraphs.map((s) => row(`subgraph ${s.spec.name}`, `${s.url ?? ''}  ${pid(s)}`)),
    row('health / ready', `${base}/health  ${base}/ready`),
    row('outbox worker', `running ${pid(services.worker)}`),
    row('worker metrics', `${services.worker.url ?? ''}  (Prometheus; /health beside it)`),
    row('control plane', embedded ? config.databaseUrl : 'DATABASE_URL'),
    ...(embedded ? [more(`(embedded PostgreSQL in ${path.join(config.dataDir, 'postgres')}; use this URL as DATABASE_URL for other fluxo commands)`)] : []),
  ];
  if (config.secrets.adminToken) lines.push(row('admin token', 'from FLUXO_ADMIN_TOKEN'));
  else if (secrets.adminTokenCreated) lines.push(row('admin token', secrets.adminToken), more(`(shown once; kept in ${tokenFile})`));
  else lines.push(row('admin token', `in ${tokenFile}`));
  if (demo) lines.push(...demoLines(demo));
  lines.push('', 'Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

function demoLines(demo: DemoOutcome): string[] {
  const lines = [row('demo company', `${demo.slug} (${demo.modules.join(', ')})`)];
  if (demo.secret) lines.push(row('demo access key', demo.secret), more(`(shown once; kept in ${demo.keyFile})`));
  else if (demo.keyFileExists) lines.push(row('demo access key', `in ${demo.keyFile}`));
  else lines.push(row('demo access key', 'shown when the demo company was created; issue another with the issueAccessKey mutation'));
  if (demo.seeded) lines.push(row('demo data', `${demo.seeded.employees?.hired ?? 0} employees, ${demo.seeded.assets?.registered ?? 0} assets loaded`));
  return lines;
}
