import type { Connection, Edge } from '../kit/pagination';
import type { ContractRow } from './store/contract.table';
import type { DepartmentRow } from './store/department.table';
import type { EmployeeRow } from './store/employee.table';
import type { PositionAssignmentRow } from './store/position-assignment.table';
import type { PositionRow } from './store/position.table';
import type { RoleRow } from './store/role.table';

// Parent types of the employees subgraph's resolvers: rows as the store returns them.
export type EmployeeMapper = EmployeeRow;
export type EmployeeConnectionMapper = Connection<EmployeeRow>;
export type EmployeeEdgeMapper = Edge<EmployeeRow>;
export type DepartmentMapper = DepartmentRow;
export type PositionMapper = PositionRow;
export type RoleMapper = RoleRow;
export type PositionAssignmentMapper = PositionAssignmentRow;
export type ContractMapper = ContractRow;
/** The overview entity as the employees subgraph sees it: only its key. */
export interface OverviewMapper {
  tenantId: string;
}
