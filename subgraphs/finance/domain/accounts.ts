import type { UserError } from '../../kit/errors';
import { ACCOUNT_TYPES, type AccountType } from './types';

export const ACCOUNT_CODE = /^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$/;
export const MAX_ACCOUNT_NAME_LENGTH = 200;

export interface NewAccountDraft {
  code: string;
  name: string;
  type: AccountType;
  isCash: boolean;
  isBank: boolean;
}

/**
 * Rules of a new account on its own: a code of letters, digits, dots and
 * dashes (at most 20), a name, a known type; cash and bank accounts are
 * assets. Whether the code is free and the parent exists is the store's to say.
 */
export function validateNewAccount(draft: NewAccountDraft, parent: { type: AccountType } | null | undefined): UserError[] {
  const errors: UserError[] = [];
  if (!ACCOUNT_CODE.test(draft.code)) {
    errors.push({
      field: ['input', 'code'],
      message: 'Account codes are 1–20 letters, digits, dots or dashes, starting with a letter or digit',
      code: 'INVALID_ACCOUNT_CODE',
    });
  }
  const name = draft.name.trim();
  if (name.length === 0) errors.push({ field: ['input', 'name'], message: 'An account needs a name', code: 'REQUIRED' });
  else if (name.length > MAX_ACCOUNT_NAME_LENGTH)
    errors.push({ field: ['input', 'name'], message: `Names are at most ${MAX_ACCOUNT_NAME_LENGTH} characters`, code: 'TOO_LONG' });
  if (!ACCOUNT_TYPES.includes(draft.type))
    errors.push({ field: ['input', 'type'], message: `Unknown account type ${draft.type}`, code: 'INVALID_ACCOUNT_TYPE' });
  if ((draft.isCash || draft.isBank) && draft.type !== 'ASSET') {
    errors.push({ field: ['input', draft.isBank ? 'isBank' : 'isCash'], message: 'Cash and bank accounts are asset accounts', code: 'NOT_A_BANK_ACCOUNT' });
  }
  if (parent && parent.type !== draft.type) {
    errors.push({ field: ['input', 'parentCode'], message: `A ${draft.type} account cannot sit under a ${parent.type} account`, code: 'PARENT_TYPE_MISMATCH' });
  }
  return errors;
}
