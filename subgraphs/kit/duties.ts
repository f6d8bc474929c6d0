import type { ActorIdentity } from './actor';
import { userError, type UserError } from './errors';

/**
 * Separation of duties: some acts must be done by someone other than whoever
 * did the act before them (approving a pay run someone calculated, reversing
 * an entry someone posted). What is compared is the party answerable for each
 * act, recorded as text with the first act:
 * - "user:<id>": a person, whatever key, token or session they came through,
 *   so a second key of the same person is still the same party;
 * - "key:<id>": an access key with no person behind it (STANDARD, PARTNER).
 * The rule is about callers of the API. Actors outside any request — the
 * operator's CLI, the seeder (both kind CLI), a change made on receipt of an
 * event — have no party and are not compared: they act as the platform, not
 * as one of the company's people, and the platform has no second pair of eyes.
 */
export function accountableParty(who: ActorIdentity): string | null {
  if (who.userId) return `user:${who.userId}`;
  return (who.kind === 'STANDARD' || who.kind === 'PARTNER') && who.id !== null ? `key:${who.id}` : null;
}

/**
 * The refusal when the rule applies and the same party did the first act; null
 * when the second act may go ahead. An unknown party on either side (an act
 * recorded before its author was, an internal actor) is not a match.
 */
export function separationOfDutiesError(
  rule: { enabled: boolean; field: string | string[]; firstAct: string; secondAct: string },
  firstBy: string | null,
  secondBy: string | null,
): UserError | null {
  if (!rule.enabled || firstBy === null || secondBy === null || firstBy !== secondBy) return null;
  return userError(rule.field, `Whoever ${rule.firstAct} cannot also ${rule.secondAct}; another person or key must do it`, 'SEPARATION_OF_DUTIES');
}
