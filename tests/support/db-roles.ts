import { envName } from '../../platform/config';
import { loginServices, passwordVariable } from '../../platform/db-roles';

/**
 * The database roles of one test run: cluster-wide, so named after the run
 * (`ft_<run>_assets`, …) and dropped with its databases. Every test file's
 * configuration turns them on, so every stack and provisioning runs as they
 * would in production.
 */
export const testRolePrefix = (runId: string): string => `ft_${runId}_`;

/** Passwords of the run's roles (the test server may trust local logins; a password server checks them). */
export function testRolePasswords(runId: string): Record<string, string> {
  return Object.fromEntries(loginServices().map((s) => [envName(s), `ft-${runId}-${s}`]));
}

/** The settings that turn the run's roles on, as environment variables (for a child process: of this run). */
export function testRoleEnvironment(runId: string = process.env.FLUXO_TEST_RUN_ID ?? ''): Record<string, string> {
  return {
    FLUXO_DB_ROLES: '1',
    FLUXO_DB_ROLE_PREFIX: testRolePrefix(runId),
    ...Object.fromEntries(loginServices().map((s) => [passwordVariable(s), `ft-${runId}-${s}`])),
  };
}
