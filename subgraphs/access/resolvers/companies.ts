import { forbidden } from '../../kit/errors';
import { runAccessMutation } from '../mutation';
import { setAuditRetention } from '../services/audit-chain';
import { setCompanyOrigins } from '../services/company-origins';
import { actorOf } from '../../kit/actor';
import { withUserErrors } from '../../kit/errors';
import { paginate } from '../../kit/pagination';
import { assertCan } from '../authz';
import type { Resolvers } from '../generated/resolvers-types';
import { addCompanyModules } from '../provisioning/add-modules';
import { removeCompanyModules } from '../provisioning/remove-modules';
import { keysInView } from './access-keys';
import { countCompanies, listCompanies } from '../store/companies';

export const companyResolvers: Resolvers = {
  Query: {
    companies: (_parent, args, ctx) => {
      assertCan(ctx.caller, 'company:list');
      return paginate(args, {
        cursorShape: ['timestamp', 'uuid'],
        fetch: (page) => listCompanies(ctx.deps.controlPlane, page),
        cursorOf: (c) => [c.cursor_created_at, c.id],
        count: () => countCompanies(ctx.deps.controlPlane),
      });
    },
    company: (_parent, { id }, ctx) => {
      assertCan(ctx.caller, 'company:read', id);
      return ctx.loaders.company.load(id);
    },
  },
  Mutation: {
    setCompanyOrigins: (_parent, { input }, ctx) => {
      if (ctx.caller.kind !== 'ADMIN' && ctx.caller.tenant?.companyId !== input.companyId) throw forbidden('A credential acts only in its own company');
      return runAccessMutation(ctx, 'setCompanyOrigins', async (trx, actor) => ({ company: await setCompanyOrigins(trx, input, actor) }));
    },
    setAuditRetention: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'company:auditRetention');
      return runAccessMutation(ctx, 'setAuditRetention', async (trx, actor) => ({ company: await setAuditRetention(trx, input, actor) }));
    },
    addCompanyModules: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'company:addModules');
      return withUserErrors(async () => ({ company: await addCompanyModules(ctx.deps, input.companyId, input.modules, actorOf(ctx)) }));
    },
    removeCompanyModules: (_parent, { input }, ctx) => {
      assertCan(ctx.caller, 'company:removeModules');
      return withUserErrors(async () => ({ company: await removeCompanyModules(ctx.deps, input.companyId, input.modules, actorOf(ctx)) }));
    },
  },
  Company: {
    // Another subgraph referring to a company gets it only if this caller may read it.
    __resolveReference: (ref, ctx) => {
      const readable = ctx.caller.kind === 'ADMIN' || ctx.caller.tenant?.companyId === ref.id;
      return readable ? ctx.loaders.company.load(ref.id) : null;
    },
    createdAt: (c) => c.created_at,
    corsOrigins: (c) => c.cors_origins,
    auditRetentionYears: (c) => c.audit_retention_years,
    accessKeys: (c, _args, ctx) => {
      assertCan(ctx.caller, 'keys:manage', c.id);
      return keysInView(ctx, c.id);
    },
    tenant: (c, _args, ctx) => {
      assertCan(ctx.caller, 'tenant:read');
      return ctx.loaders.tenantOfCompany.load(c.id);
    },
  },
  Tenant: {
    databaseName: (t) => t.database_name,
    lastError: (t) => t.last_error,
    createdAt: (t) => t.created_at,
    updatedAt: (t) => t.updated_at,
    schemaVersions: (t) =>
      Object.entries(t.schema_versions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([owner, version]) => ({ owner, version })),
  },
};
