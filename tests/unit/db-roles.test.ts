import { loadConfig, ServiceConfigError } from '../../platform/config';
import { actingAs, migrationUrl, serviceConfig } from '../../platform/db-roles';

const base = { DATABASE_URL: 'postgres://admin:secret@db.example:5432/fluxo', FLUXO_SHARDS: 'eu2=postgres://admin:secret@db2.example:5432' };

describe('a service with database roles on', () => {
  it('reaches the control plane and every shard as its own login, with the password given for it', () => {
    const config = serviceConfig(loadConfig({ ...base, FLUXO_DB_ROLES: '1', FLUXO_DB_ROLE_PREFIX: 'acme_', FLUXO_ASSETS_DB_PASSWORD: 'p@ss/word' }), 'assets');
    expect(config.databaseUrl).toBe('postgres://acme_assets:p%40ss%2Fword@db.example:5432/fluxo');
    expect(config.shards).toEqual({ default: config.databaseUrl, eu2: 'postgres://acme_assets:p%40ss%2Fword@db2.example:5432' });
  });

  it('refuses to start without its password, naming the variable', () => {
    const config = loadConfig({ ...base, FLUXO_DB_ROLES: '1', FLUXO_ASSETS_DB_PASSWORD: 'x' });
    expect(() => serviceConfig(config, 'worker')).toThrow(new ServiceConfigError('FLUXO_DB_ROLES is on but FLUXO_WORKER_DB_PASSWORD is not set'));
  });

  it('keeps the URLs as given when roles are off', () => {
    const config = loadConfig({ ...base, FLUXO_ASSETS_DB_PASSWORD: 'x' });
    expect(serviceConfig(config, 'assets')).toBe(config);
    expect(migrationUrl(config, config.databaseUrl)).toBe(config.databaseUrl);
  });
});

describe('migrations with database roles on', () => {
  it('act as the owner role from the first statement', () => {
    const config = loadConfig({ ...base, FLUXO_DB_ROLES: '1' });
    expect(migrationUrl(config, config.databaseUrl)).toBe('postgres://admin:secret@db.example:5432/fluxo?options=-c+role%3Dfluxo_owner');
    expect(() => actingAs(config.databaseUrl, 'Robert"; DROP')).toThrow(/unsafe SQL identifier/);
    expect(new URL(actingAs(`${config.databaseUrl}?options=-c%20statement_timeout%3D5s`, 'fluxo_owner')).searchParams.get('options')).toBe(
      '-c statement_timeout=5s -c role=fluxo_owner',
    );
  });
});

it('takes only role prefixes that make safe identifiers', () => {
  expect(() => loadConfig({ FLUXO_DB_ROLE_PREFIX: 'Fluxo-' })).toThrow(/FLUXO_DB_ROLE_PREFIX must be lower-case/);
  expect(loadConfig({ FLUXO_DB_ROLE_PREFIX: 'eu_fluxo_' }).databaseRoles.prefix).toBe('eu_fluxo_');
});
