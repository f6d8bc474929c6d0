import type { Kysely } from 'kysely';
import { identifyCaller } from '../../gateway/caller';
import { KeyVerifier } from '../../gateway/key-verifier';
import { SessionVerifier } from '../../gateway/session-verifier';
import { hashKey } from '../../platform/access-key-format';
import type { ControlPlaneDB } from '../../platform/control-plane';
import { createDatabase } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { createCompany, type GatewayCompany } from '../support/company';
import { until } from '../support/gateway-process';
import { member, membershipIdOf, setMemberRoles } from '../support/people';
import { startTestStack, type TestStack } from '../support/stack';

// The gateway makes one caller object per verified principal (a key's, a
// session's), so that what tells callers apart (the signed caller as JSON and
// its hash, for shared queries, deduplication and the response cache) is
// computed once, not per request (gateway/caller.ts, gateway/request-keys.ts).
// It must never outlive what the verifiers know: a change of roles is a new
// caller with the new grants, an ended membership no caller at all.

let t: TestStack;
let acme: GatewayCompany;
let db: Kysely<ControlPlaneDB>;
let keys: KeyVerifier;
let sessions: SessionVerifier;

beforeAll(async () => {
  t = await startTestStack();
  acme = await createCompany(t, { name: 'Callers Co', modules: ['EMPLOYEES'] });
  db = createDatabase<ControlPlaneDB>(t.database.url, { max: 2, applicationName: 'fluxo-test-callers' });
  keys = new KeyVerifier(db, t.database.url, createLogger('test', 'silent'), { cacheTtlMillis: 60_000, lastUsedFlushMillis: 3_600_000, maxEntries: 100 });
  await keys.start();
  sessions = new SessionVerifier(db, t.sessionKeys.publicKey, keys, { cacheTtlMillis: 60_000, maxEntries: 100 });
});
afterAll(async () => {
  await keys?.stop();
  await db?.destroy();
  await acme?.tenantDb.destroy();
  await t?.stop();
});

const identify = (token: string) => identifyCaller({ authorization: `Bearer ${token}` }, keys, hashKey(t.adminToken), sessions);

it('is one object per key and per session, and a new one with the new grants once the roles change', async () => {
  const byKey = await identify(acme.secret);
  expect(await identify(acme.secret)).toBe(byKey);

  const admin = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'ADMIN' }] });
  const hr = await member(t, acme.secret, { companyId: acme.companyId, roles: [{ role: 'HR_MANAGER' }] });
  const before = await identify(hr.accessToken);
  expect(await identify(hr.accessToken)).toBe(before);
  expect(before.sessionId).not.toBeNull();
  expect(before).not.toBe(await identify(admin.accessToken));
  expect(before.grants.permissions).toContain('employees:manage');

  const membershipId = await membershipIdOf(admin, acme.companyId, hr.email);
  await setMemberRoles(admin, membershipId, [{ role: 'HR_VIEWER' }]);
  await until(async () => (await identify(hr.accessToken)) !== before, 'the verifier to hear of the new roles', 5_000);
  const after = await identify(hr.accessToken);
  expect(after.grants.permissions).not.toContain('employees:manage');
  expect(await identify(hr.accessToken)).toBe(after);

  await admin.gql('mutation($input: RemoveMemberInput!) { removeMember(input: $input) { userErrors { code } } }', { input: { membershipId } });
  await until(
    async () => {
      try {
        await identify(hr.accessToken);
        return false;
      } catch {
        return true;
      }
    },
    'the session to end with the membership',
    5_000,
  );
  await expect(identify(hr.accessToken)).rejects.toMatchObject({ extensions: { reason: 'SESSION_ENDED' } });
});
