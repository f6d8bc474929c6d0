import type { AccessKeyRow, CompanyRow, InvitationRow, SubscriptionRequestRow, TenantRow } from '../../../platform/control-plane';
import { generateSecret, INVITATION_TTL_SECONDS } from '../../../platform/session-token';
import { insertInvitation } from '../store/people';
import { generateAccessKey } from '../../../platform/access-key-format';
import { failWith, UserErrorsException, userError } from '../../kit/errors';
import type { ActorIdentity } from '../../kit/actor';
import { actorLabel, type AccessDeps } from '../deps';
import { auditViewOfKey } from '../domain/access-keys';
import { nextFreeSlug, slugify, tenantDatabaseName } from '../domain/subscription';
import { insertAccessKey } from '../store/access-keys';
import { findCompanyByRequest, insertCompany, slugsLike } from '../store/companies';
import { findSubscriptionRequest, markApproved } from '../store/subscription-requests';
import { findTenantByCompany, insertTenant, recordTenantState } from '../store/tenants';
import { inControlPlaneTransaction } from '../mutation';
import { withAdvisoryLock } from './locks';
import { migrateTenantDatabase } from './tenant-schemas';
import { placeTenant } from '../../../platform/placement';

export interface ApprovedSubscription {
  request: SubscriptionRequestRow;
  company: CompanyRow;
  accessKey: AccessKeyRow;
  secret: string;
  /** The requester's invitation to become the company's owner. */
  ownerInvitation: InvitationRow;
  /** Its one-time token: mailed to the requester, and shown to the operator only when no mail could be sent. */
  ownerInvitationToken: string | null;
}

function assertPending(request: SubscriptionRequestRow | undefined, requestId: string): SubscriptionRequestRow {
  if (!request) failWith('input.requestId', `No subscription request ${requestId}`, 'NOT_FOUND');
  if (request.status === 'APPROVED') failWith('input.requestId', 'This request is already approved', 'ALREADY_APPROVED');
  if (request.status === 'REJECTED') failWith('input.requestId', 'A rejected request cannot be approved', 'REQUEST_REJECTED');
  return request;
}

/** Step 1: company and tenant registry rows, committed so a retry finds them. */
async function registerTenant(deps: AccessDeps, requestId: string): Promise<{ company: CompanyRow; tenant: TenantRow }> {
  return deps.controlPlane.transaction().execute(async (trx) => {
    const request = assertPending(await findSubscriptionRequest(trx, requestId, { forUpdate: true }), requestId);
    let company = await findCompanyByRequest(trx, request.id);
    if (!company) {
      const base = slugify(request.company_name);
      company = await insertCompany(trx, {
        name: request.company_name,
        slug: nextFreeSlug(base, await slugsLike(trx, base)),
        contact_email: request.contact_email,
        modules: request.modules,
        subscription_request_id: request.id,
      });
    }
    const tenant =
      (await findTenantByCompany(trx, company.id)) ??
      (await insertTenant(trx, {
        company_id: company.id,
        database_name: tenantDatabaseName(deps.tenantDatabasePrefix, company.slug, company.id),
        shard: deps.placement ? await placeTenant(trx, deps.placement, { planCode: request.plan_code }, deps.shards.names()) : deps.defaultShard,
      }));
    return { company, tenant };
  });
}

/** Step 3: the first key, the approval and the audit trail, all in one transaction. */
async function completeApproval(
  deps: AccessDeps,
  requestId: string,
  company: CompanyRow,
  tenant: TenantRow,
  versions: Record<string, string | null>,
  who: ActorIdentity,
): Promise<ApprovedSubscription> {
  return inControlPlaneTransaction(deps.controlPlane, who, 'approveSubscriptionRequest', async (trx, actor) => {
    assertPending(await findSubscriptionRequest(trx, requestId, { forUpdate: true }), requestId);
    const key = generateAccessKey();
    const accessKey = await insertAccessKey(trx, {
      company_id: company.id,
      name: 'Primary key',
      kind: 'STANDARD',
      modules: company.modules,
      prefix: key.prefix,
      secret_hash: key.hash,
      created_by: actorLabel(actor),
    });
    const request = await markApproved(trx, requestId, actorLabel(actor));
    const activeTenant = await recordTenantState(trx, tenant.id, { status: 'ACTIVE', versions, lastError: null });
    actor.audit({ entity: 'subscription_request', entityId: request.id, before: { status: 'PENDING' }, after: { status: 'APPROVED' } });
    actor.audit({
      operation: 'createCompany',
      entity: 'company',
      entityId: company.id,
      after: { slug: company.slug, name: company.name, modules: company.modules },
    });
    actor.audit({
      operation: 'provisionTenant',
      entity: 'tenant',
      entityId: activeTenant.id,
      after: { database: activeTenant.database_name, shard: activeTenant.shard, versions },
    });
    actor.audit({ operation: 'issueAccessKey', entity: 'access_key', entityId: accessKey.id, after: auditViewOfKey(accessKey) });
    // The requester becomes the company's first person: an OWNER invitation to their contact address.
    const secret = generateSecret('inv');
    const ownerInvitation = await insertInvitation(trx, {
      companyId: company.id,
      email: company.contact_email,
      roles: [{ role: 'OWNER', departmentId: null }],
      employeeId: null,
      tokenHash: secret.hash,
      invitedBy: actorLabel(actor),
      expiresAt: new Date(Date.now() + INVITATION_TTL_SECONDS * 1000),
    });
    actor.audit({ operation: 'inviteMember', entity: 'invitation', entityId: ownerInvitation.id, after: { email: company.contact_email, roles: ['OWNER'] } });
    return { request, company, accessKey, secret: key.secret, ownerInvitation, ownerInvitationToken: secret.token };
  });
}

/**
 * Approves a pending request: registers the company and tenant, builds the
 * tenant database, then issues the first key. A failure in the middle leaves
 * the request PENDING with its company and tenant registered; approving again
 * resumes and finishes without duplicates.
 *
 * Provisioning takes the access deps rather than a transaction: creating and
 * migrating a tenant database cannot happen inside one control-plane
 * transaction, so it commits in steps of its own.
 */
export async function approveSubscriptionRequest(unlocked: AccessDeps, requestId: string, actor: ActorIdentity): Promise<ApprovedSubscription> {
  return withAdvisoryLock(unlocked.controlPlane, `subscription-request:${requestId}`, async (locked) => {
    const deps = { ...unlocked, controlPlane: locked };
    const { company, tenant } = await registerTenant(deps, requestId);
    let versions: Record<string, string | null>;
    try {
      ({ versions } = await migrateTenantDatabase(deps.shards, tenant, company.modules, deps.tenantMigrations, {
        create: true,
        templatePrefix: deps.tenantTemplatePrefix,
        rolePrefix: deps.databaseRolePrefix,
      }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error({ err: error, requestId, tenant: tenant.database_name }, 'tenant provisioning failed');
      await recordTenantState(deps.controlPlane, tenant.id, { lastError: message }).catch(() => undefined);
      throw new UserErrorsException([
        userError(
          null,
          'Provisioning the tenant database did not complete; the request is still pending and approving it again resumes the work',
          'PROVISIONING_FAILED',
        ),
      ]);
    }
    const approved = await completeApproval(deps, requestId, company, tenant, versions, actor);
    const delivered = await mailOwnerInvitation(deps, approved);
    return { ...approved, ownerInvitationToken: delivered ? null : approved.ownerInvitationToken };
  });
}

/**
 * Mails the owner's invitation after the approval committed. A mail server
 * that is missing or failing does not undo the approval: the operator gets the
 * token to hand over instead (and the log says why).
 */
async function mailOwnerInvitation(deps: AccessDeps, approved: ApprovedSubscription): Promise<boolean> {
  const { company, ownerInvitation, ownerInvitationToken } = approved;
  const text = [
    `Your subscription to Fluxo for ${company.name} was approved.`,
    '',
    "Set up your account as the company's owner within 7 days, choosing your password (at least 12 characters), at:",
    '',
    `    ${deps.publicUrl}/console/accept#${ownerInvitationToken}`,
    '',
    `A program may instead call acceptInvitation at ${deps.publicUrl}/graphql with this one-time token: ${ownerInvitationToken}`,
    '',
    'If you did not ask for this, ignore this message.',
  ].join('\n');
  try {
    const { delivered } = await deps.mailer.send({ to: ownerInvitation.email, subject: `${company.name} is ready on Fluxo`, text });
    return delivered;
  } catch (error) {
    deps.logger.warn({ err: error, company: company.slug }, 'could not mail the owner invitation; the operator is shown its token');
    return false;
  }
}
