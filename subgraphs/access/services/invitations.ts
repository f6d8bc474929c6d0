import type { InvitationRow } from '../../../platform/control-plane';
import type { Actor } from '../../kit/actor';
import { failWith } from '../../kit/errors';
import type { ControlPlaneTransaction } from '../mutation';
import { findInvitationForUpdate, markInvitationRevoked } from '../store/people';

/**
 * Revokes an open invitation. Its row stays, with revokedAt, and acceptance
 * refuses it from then on (it locks the same row, so the two never cross).
 * A company-scoped caller (companyId) sees another company's invitation as
 * NOT_FOUND, like one that does not exist.
 */
export async function revokeInvitation(
  trx: ControlPlaneTransaction,
  input: { invitationId: string; companyId: string | null },
  actor: Actor,
): Promise<InvitationRow> {
  const invitation = await findInvitationForUpdate(trx, input.invitationId);
  if (!invitation || (input.companyId !== null && invitation.company_id !== input.companyId)) {
    failWith(['input', 'invitationId'], `No invitation ${input.invitationId}`, 'NOT_FOUND');
  }
  if (invitation.accepted_at) failWith(['input', 'invitationId'], 'This invitation was already accepted; remove the member instead', 'ALREADY_ACCEPTED');
  if (invitation.revoked_at) failWith(['input', 'invitationId'], 'This invitation is already revoked', 'ALREADY_REVOKED');
  const revoked = await markInvitationRevoked(trx, invitation.id);
  actor.audit({ entity: 'invitation', entityId: invitation.id, before: { company: invitation.company_id, email: invitation.email }, after: { revoked: true } });
  return revoked;
}
