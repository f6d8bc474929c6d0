import { sql } from 'kysely';
import { actorOf } from '../../kit/actor';
import { withUserErrors } from '../../kit/errors';
import { paginate } from '../../kit/pagination';
import { assertCan } from '../authz';
import type { Resolvers } from '../generated/resolvers-types';
import { manifest } from '../manifest';
import { companyAuditLog } from '../services/audit-log';
import { countDeadLetters, listDeadLetters, replayDeadLetters } from '../services/dead-letters';
import { moduleStatuses } from '../services/module-status';
import { listPlatformAudit, type AuditEntryRecord } from '../store/audit-log';

// Newest first by id: the cursor is the last id seen.
const AUDIT_PAGE = { cursorShape: ['integer'] as const, cursorOf: (e: AuditEntryRecord) => [Number(e.id)] };
// A log is long: a total would count it all on every page, so the schema offers none.
const NO_COUNT = () => Promise.reject(new Error('audit logs are not counted'));

/** The operator's tools: dead letters, audit logs, subgraphs' readiness. */
export const operationsResolvers: Resolvers = {
  Query: {
    deadLetters: (_parent, { companyId, module, first, after }, ctx) => {
      assertCan(ctx.caller, 'operations');
      const scope = { companyId, module };
      return paginate(
        { first, after },
        {
          cursorShape: ['timestamp', 'uuid'],
          fetch: (page) => listDeadLetters(ctx.deps, scope, page),
          cursorOf: (d) => [d.position, d.id],
          count: () => countDeadLetters(ctx.deps, scope),
        },
      );
    },
    platformAuditLog: (_parent, { filter, first, after }, ctx) => {
      assertCan(ctx.caller, 'operations');
      return paginate({ first, after }, { ...AUDIT_PAGE, fetch: (page) => listPlatformAudit(ctx.deps.controlPlane, filter ?? {}, page), count: NO_COUNT });
    },
    auditLog: (_parent, { companyId, filter, first, after }, ctx) => {
      assertCan(ctx.caller, 'audit:read', companyId);
      return paginate({ first, after }, { ...AUDIT_PAGE, fetch: (page) => companyAuditLog(ctx.deps, companyId, filter ?? {}, page), count: NO_COUNT });
    },
    moduleStatus: (_parent, _args, ctx) => {
      assertCan(ctx.caller, 'operations');
      return moduleStatuses(ctx.deps.subgraphs(), {
        name: manifest.name,
        check: async () => {
          await sql`SELECT 1`.execute(ctx.deps.controlPlane);
        },
      });
    },
  },
  Mutation: {
    replayDeadLetters: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'operations');
      return withUserErrors(() => replayDeadLetters(ctx.deps, input, actorOf(ctx))).then((payload) => ({ replayed: 0, ...payload }));
    },
  },
  DeadLetter: {
    company: async (d, _args, ctx) => (await ctx.loaders.company.load(d.companyId))!,
    reason: (d) => d.lastError,
  },
  AuditEntry: {
    action: (e) => e.operation,
    entityId: (e) => e.entity_id,
    actorEmail: (e) => e.actor_email,
    actorUserId: (e) => e.actor_user_id,
    keyId: (e) => e.key_id,
    actorKind: (e) => e.actor_kind,
    clientAddress: (e) => e.client_address,
    requestId: (e) => e.request_id,
  },
};
