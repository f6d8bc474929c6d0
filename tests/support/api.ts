import type * as Access from '../../subgraphs/access/generated/resolvers-types';
import type * as Assets from '../../subgraphs/assets/generated/resolvers-types';
import type * as Employees from '../../subgraphs/employees/generated/resolvers-types';
import type * as Finance from '../../subgraphs/finance/generated/resolvers-types';
import type * as Payroll from '../../subgraphs/payroll/generated/resolvers-types';

// The API's types as the tests read responses, from each subgraph's generated
// schema types. A response holds the fields its operation selects of these;
// where subgraphs add fields to one type, the type here joins their parts.

/** A type as its JSON arrives: resolvers may return a Date for a DateTime, the client reads an ISO string. */
type Wire<T> = T extends Date ? string : T extends Array<infer Item> ? Array<Wire<Item>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** The overview: access's header and crossModule metrics, and each module's block. */
export type Overview = Wire<Access.Overview & Assets.Overview & Employees.Overview & Finance.Overview & Payroll.Overview>;

/** An employee with what assets and payroll add to it. */
export type Employee = Wire<Employees.Employee & Assets.Employee & Payroll.Employee>;

export type Query = Wire<Omit<Access.Query & Assets.Query & Employees.Query & Finance.Query & Payroll.Query, 'overview' | 'employee'>> & {
  overview: Overview;
  employee?: Employee | null;
};

export type Mutation = Wire<Access.Mutation & Assets.Mutation & Employees.Mutation & Finance.Mutation & Payroll.Mutation>;

export type UserError = Employees.UserError;

/** What a mutation's payload holds once its userErrors are empty: its results, none of them null. */
export type Succeeded<Payload> = { [Field in keyof Payload]-?: NonNullable<Payload[Field]> };

/** Every mutation's payload, by the mutation's name; each carries userErrors. */
export type Payloads = { [Field in keyof Mutation as Mutation[Field] extends { userErrors: UserError[] } ? Field : never]: Mutation[Field] };

/** What a subgraph answers to `_entities`: each representation resolved, or null. */
export type Entities<T> = { _entities: Array<T | null> };
