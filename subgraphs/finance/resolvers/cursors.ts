import { badUserInput } from '../../kit/errors';
import type { CursorValues } from '../../kit/pagination';
import { isCalendarDate } from '../../../platform/dates';

/**
 * The kit checks a cursor's parts by kind; a calendar date travels as a
 * 'string', so lists ordered by a date check that part here before it reaches SQL.
 */
export function withDateCursor(after: CursorValues | null): CursorValues | null {
  if (after && !isCalendarDate(String(after[0]))) throw badUserInput('The cursor given as `after` is not valid for this list', 'after');
  return after;
}
