import type { Money } from '../../kit/money';
import type { ContractType, PayFrequency } from '../store/contract.table';
import { needsEndDate } from './contracts';
import { InputProblems, type Validated } from '../../kit/validation';
import { dateRange, positiveMoney, requiredId } from './validation';

export interface ContractInput {
  employeeId: string;
  type: ContractType;
  startDate: string;
  endDate?: string | null;
  payFrequency: PayFrequency;
  baseSalary: Money;
}

export interface ValidContract {
  employeeId: string;
  type: ContractType;
  startDate: string;
  endDate: string | null;
  payFrequency: PayFrequency;
  baseSalary: Money;
}

export function validateContract(input: ContractInput): Validated<ValidContract> {
  const p = new InputProblems();
  const employeeId = requiredId(p, 'input.employeeId', input.employeeId, 'employee');
  const endDate = input.endDate ?? null;
  if (endDate === null && needsEndDate(input.type)) p.add('input.endDate', 'A fixed-term contract needs an end date', 'REQUIRED');
  dateRange(p, 'input.endDate', input.startDate, endDate);
  const baseSalary = positiveMoney(p, 'input.baseSalary', input.baseSalary);
  return p.result({ employeeId, type: input.type, startDate: input.startDate, endDate, payFrequency: input.payFrequency, baseSalary });
}
