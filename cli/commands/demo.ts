import fs from 'node:fs';
import path from 'node:path';
import { MODULES, type ModuleName } from '../../platform/modules';
import type { AccessDeps } from '../../subgraphs/access/deps';
import { approveSubscriptionRequest } from '../../subgraphs/access/provisioning/approve-subscription';
import { inControlPlaneTransaction } from '../../subgraphs/access/mutation';
import { requestSubscription } from '../../subgraphs/access/services/subscription-requests';
import { findCompanyBySlug } from '../../subgraphs/access/store/companies';
import { findSubscriptionRequest } from '../../subgraphs/access/store/subscription-requests';
import { cliActor } from '../support';
import type { SeedReport } from '../../app/seed/seed-tenant';

/** The demo tenant of `fluxo start --demo`; its slug is how a restart recognises it. */
export const DEMO_COMPANY = { name: 'Fluxo Demo', slug: 'fluxo-demo', contactEmail: 'demo@fluxo.example' } as const;

export interface DemoOutcome {
  slug: string;
  modules: ModuleName[];
  /** The access key when it was issued just now, else null (it is shown once). */
  secret: string | null;
  keyFile: string;
  keyFileExists: boolean;
  /** What the demo seed loaded now; null when the tenant already had data. */
  seeded?: SeedReport | null;
}

/**
 * Provisions the demo company with every module through the same request →
 * approve path an operator uses, unless it exists. A start that stopped
 * half-way left the request pending; approving it again finishes the work.
 */
export async function ensureDemoCompany(deps: AccessDeps, dataDir: string): Promise<DemoOutcome> {
  const keyFile = path.join(dataDir, 'secrets', 'demo-access-key');
  const actor = cliActor();
  const existing = await findCompanyBySlug(deps.controlPlane, DEMO_COMPANY.slug);
  let requestId: string;
  if (existing) {
    const request = existing.subscription_request_id ? await findSubscriptionRequest(deps.controlPlane, existing.subscription_request_id) : undefined;
    if (!request || request.status !== 'PENDING') {
      return { slug: existing.slug, modules: existing.modules, secret: null, keyFile, keyFileExists: fs.existsSync(keyFile) };
    }
    requestId = request.id;
  } else {
    const { request } = await inControlPlaneTransaction(deps.controlPlane, actor, 'requestSubscription', (trx, a) =>
      requestSubscription(trx, { companyName: DEMO_COMPANY.name, contactEmail: DEMO_COMPANY.contactEmail, modules: MODULES, planCode: null }, a),
    );
    requestId = request.id;
  }
  const approved = await approveSubscriptionRequest(deps, requestId, actor);
  // Kept beside the admin token (mode 0600) so a restart can say where the key is.
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, `${approved.secret}\n`, { mode: 0o600 });
  return { slug: approved.company.slug, modules: approved.company.modules, secret: approved.secret, keyFile, keyFileExists: true };
}
