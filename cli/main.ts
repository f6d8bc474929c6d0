#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { FLUXO_VERSION } from '../platform/version';
import { auditExportCommand, auditListCommand, auditPurgeCommand, auditRetentionCommand, auditVerifyCommand } from './commands/audit';
import { dbBackupCommand, dbRestoreCommand, dbRolesCommand } from './commands/db';
import { deadListCommand, deadReplayCommand, deadShowCommand } from './commands/events';
import { generateDataMasterKeyCommand, rewrapDataKeysCommand, rotateDataKeyCommand } from './commands/data-keys';
import { generateAdminTokenCommand, generateContextKeypairCommand, generateDbPasswordsCommand } from './commands/keys';
import { migrateCommand } from './commands/migrate';
import { registerSeedCommand } from './commands/seed';
import { startCommand } from './commands/start';
import { tenantAddModuleCommand, tenantListCommand, tenantMoveCommand, tenantSyncCommand } from './commands/tenant';
import { webhooksCreateCommand, webhooksDeliveriesCommand, webhooksListCommand, webhooksRedeliverCommand, webhooksRotateCommand } from './commands/webhooks';
import { action, positiveInt } from './support';

// Command wiring only: each command lives in cli/commands/.
const program = new Command('fluxo').description('Fluxo operator CLI').version(FLUXO_VERSION).showHelpAfterError();

program
  .command('start')
  .description('run the whole product on this machine (embedded PostgreSQL unless DATABASE_URL is set)')
  .option('--demo', 'also provision a demo company with every module (or FLUXO_DEMO=1)')
  .action(action(startCommand));

program.command('migrate').description('create and migrate the control-plane database of DATABASE_URL').action(action(migrateCommand));

const tenant = program.command('tenant').description('tenant databases');
tenant.command('list').description('list tenants with their database, shard, status and schema versions').action(action(tenantListCommand));
tenant
  .command('sync')
  .description('migrate every tenant database to the latest migrations of its modules')
  .option('--concurrency <n>', 'tenants migrated at once', asCount, 4)
  .option('--company <slug...>', 'only these companies')
  .action(action(tenantSyncCommand));
tenant
  .command('add-module')
  .description('subscribe a company to more modules, creating and migrating their schemas')
  .requiredOption('--company <slug>', 'company slug')
  .requiredOption('--module <MODULE...>', 'modules to add (ASSETS, EMPLOYEES, FINANCE, PAYROLL)')
  .action(action(tenantAddModuleCommand));
tenant
  .command('move')
  .description("copy a company's tenant database to another shard and switch to it, pausing its writes briefly; run again to resume after a failure")
  .requiredOption('--company <slug>', 'company slug')
  .option('--to <shard>', 'the shard to move to (FLUXO_SHARDS)')
  .option('--confirm', 'the move is switched and checked: drop the old copy')
  .option('--abort', 'roll back a move that is not switched yet: the new copy is dropped')
  .option('--status', "show the company's latest move")
  .action(action(tenantMoveCommand));
registerSeedCommand(tenant);

const db = program
  .command('db')
  .description("database roles, and backups: Fluxo's own archive (no PostgreSQL client tools needed), or pg_dump's with --format pg_dump");
db.command('roles')
  .description('create the PostgreSQL role of every service (FLUXO_<NAME>_DB_PASSWORD), or set their passwords again; DATABASE_URL is a superuser')
  .action(action(dbRolesCommand));
db.command('backup')
  .description("write a company's tenant database, or the control plane, to an archive, from one consistent snapshot")
  .option('--company <slug>', 'the company whose database to back up')
  .option('--control-plane', 'back up the control-plane database instead')
  .option('--out <file>', 'archive to write (default backups/<slug>-<time>.fluxo.gz, or .dump)')
  .option(
    '--format <format>',
    "fluxo: built in, works with any server; pg_dump: pg_dump's custom format, needs pg_dump of the server's version (PATH or FLUXO_PG_BIN)",
    'fluxo',
  )
  .action(action(dbBackupCommand));
db.command('restore')
  .description("replace a company's tenant database with an archive; the previous one is kept under another name")
  .requiredOption('--company <slug>', 'the company whose database to restore')
  .requiredOption('--from <file>', "archive written by fluxo db backup, in either format (pg_restore for pg_dump's)")
  .option('--yes', 'confirm: everything since the backup is replaced')
  .action(action(dbRestoreCommand));

const dead = program.command('events').description('domain events between modules').command('dead').description('events that exhausted their retries');
dead
  .command('list')
  .description('list dead events, oldest first, of every company or one')
  .option('--company <slug>', 'only this company')
  .option('--module <MODULE>', 'only events this module published')
  .option('--limit <n>', 'at most this many', asCount, 100)
  .action(action(deadListCommand));
dead
  .command('show')
  .description('show one dead event with its last error')
  .argument('<id>', 'event id')
  .option('--company <slug>', 'look only in this company')
  .option('--module <MODULE>', 'look only in this module')
  .action(action(deadShowCommand));
dead
  .command('replay')
  .description("put a company's dead events back in the queue (all, a module's, or the ids given); recorded in the audit log")
  .argument('[ids...]', 'event ids; none: every dead event in scope')
  .requiredOption('--company <slug>', 'the company')
  .option('--module <MODULE>', 'only events this module published')
  .action(action(deadReplayCommand));

const hooks = program.command('webhooks').description("companies' webhook endpoints and their deliveries");
hooks
  .command('list')
  .description("a company's endpoints and their state")
  .requiredOption('--company <slug>', 'the company')
  .action(action(webhooksListCommand));
hooks
  .command('deliveries')
  .description("an endpoint's latest delivery attempts, newest first")
  .argument('<endpoint-id>', 'the endpoint')
  .option('--limit <n>', 'at most this many', asCount, 50)
  .action(action(webhooksDeliveriesCommand));
hooks
  .command('create')
  .description('add an endpoint; prints its secret once (recorded in the audit log)')
  .requiredOption('--company <slug>', 'the company')
  .requiredOption('--url <url>', 'https:// URL events are POSTed to')
  .requiredOption('--events <types>', 'public event types, comma-separated (docs/public-events.md)')
  .option('--description <text>', 'what the endpoint is for')
  .action(action(webhooksCreateCommand));
hooks
  .command('rotate')
  .description('give an endpoint a new secret; the old one keeps signing for the overlap')
  .argument('<endpoint-id>', 'the endpoint')
  .option('--overlap-hours <n>', 'hours the old secret keeps signing', asCount, 24)
  .action(action(webhooksRotateCommand));
hooks
  .command('redeliver')
  .description('send an event to an endpoint again, by event or delivery id')
  .argument('<endpoint-id>', 'the endpoint')
  .option('--event <id>', 'the event')
  .option('--delivery <id>', "one of the endpoint's deliveries")
  .action(action(webhooksRedeliverCommand));
const audit = program.command('audit').description("the audit trails: the control plane's, and each company's in its tenant database");
const filtered = (command: Command) =>
  command
    .option('--company <slug>', "the company's audit trail (default: the control plane's)")
    .option('--control-plane', "the control plane's audit trail")
    .option('--actor <who>', 'an e-mail, a person or key id, or an actor id')
    .option('--action <operation>', 'only this operation, e.g. setCompanyOrigins')
    .option('--entity <entity>', 'only rows about this entity, e.g. company')
    .option('--from <instant>', 'only rows at or after this date or instant')
    .option('--to <instant>', 'only rows before this date or instant');
audit
  .command('verify')
  .description('recompute the hash chain of an audit trail and report the first row that breaks it (exit code 1)')
  .option('--company <slug>', "the company's audit trail")
  .option('--control-plane', "the control plane's audit trail (the default)")
  .option('--all', 'the control plane and every active tenant')
  .option('--batch-size <n>', 'rows read at once', asCount, 1000)
  .action(action(auditVerifyCommand));
filtered(audit.command('list').description('the newest audit rows matching the filters'))
  .option('--limit <n>', 'at most this many', asCount, 50)
  .action(action(auditListCommand));
filtered(audit.command('export').description('every audit row matching the filters, newest first, as NDJSON (one JSON object a line)'))
  .option('--out <file>', 'write to this file instead of stdout')
  .option('--batch-size <n>', 'rows read at once', asCount, 1000)
  .action(action(auditExportCommand));
audit
  .command('purge')
  .description("delete a company's audit rows older than --before, never within its retention; recorded in the control plane's audit")
  .requiredOption('--company <slug>', 'the company')
  .requiredOption('--before <date>', 'delete rows older than this date or instant')
  .option('--yes', 'confirm: the rows are gone for good')
  .action(action(auditPurgeCommand));
audit
  .command('retention')
  .description("set how many years a company's audit trail is kept (default 5); recorded in the control plane's audit")
  .requiredOption('--company <slug>', 'the company')
  .requiredOption('--years <n>', 'whole years', asCount)
  .action(action(auditRetentionCommand));

const keys = program.command('keys').description('keys for real deployments');
keys
  .command('generate-context-keypair')
  .description('print a new Ed25519 key pair for FLUXO_CONTEXT_PRIVATE_KEY (gateway) and FLUXO_CONTEXT_PUBLIC_KEY (subgraphs)')
  .option('--env', 'print as KEY=value lines with \\n-escaped newlines')
  .action((options: { env?: boolean }) => generateContextKeypairCommand(options));
keys
  .command('generate-db-passwords')
  .description("print a new password for every service's database login, as FLUXO_<NAME>_DB_PASSWORD=value lines")
  .action(() => generateDbPasswordsCommand());
keys
  .command('generate-admin-token')
  .description('print a new operator token for FLUXO_ADMIN_TOKEN')
  .action(() => generateAdminTokenCommand());
keys
  .command('generate-data-master-key')
  .description("print a new master key for FLUXO_DATA_MASTER_KEY (wraps the companies' data keys)")
  .action(() => generateDataMasterKeyCommand());
keys
  .command('rotate-data-key')
  .description("new data key version per company; re-encrypts employees' personal data in batches (run again to resume)")
  .option('--company <slug>', 'only this company')
  .option('--all', 'every company with the EMPLOYEES module')
  .option('--batch-size <n>', 'rows per transaction', asCount, 500)
  .action(action(rotateDataKeyCommand));
keys
  .command('rewrap-data-keys')
  .description('master key rotation: wrap every data key with a new master key, then switch FLUXO_DATA_MASTER_KEY')
  .requiredOption('--new-master-key-file <file>', 'file holding the new base64 master key')
  .option('--company <slug>', 'only this company')
  .option('--all', 'every company with the EMPLOYEES module')
  .action(action(rewrapDataKeysCommand));

function asCount(value: string): number {
  try {
    return positiveInt(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

void program.parseAsync(process.argv);
