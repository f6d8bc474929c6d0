import { randomBytes } from 'node:crypto';
import { generateAdminToken } from '../../platform/access-key-format';
import { loginServices, passwordVariable } from '../../platform/db-roles';
import { exportKeyPairPem, generateContextKeyPair } from '../../platform/tenant-context';

/**
 * `fluxo keys generate-context-keypair`: the Ed25519 pair with which the gateway
 * signs tenant contexts (FLUXO_CONTEXT_PRIVATE_KEY, gateway only) and subgraphs
 * verify them (FLUXO_CONTEXT_PUBLIC_KEY). `--env` prints one-line values with
 * escaped newlines, ready for a .env file or a secret store.
 */
export function generateContextKeypairCommand(options: { env?: boolean }): void {
  const { privateKeyPem, publicKeyPem } = exportKeyPairPem(generateContextKeyPair());
  if (options.env) {
    const escaped = (pem: string) => pem.trim().replace(/\n/g, '\\n');
    process.stdout.write(`FLUXO_CONTEXT_PRIVATE_KEY='${escaped(privateKeyPem)}'\nFLUXO_CONTEXT_PUBLIC_KEY='${escaped(publicKeyPem)}'\n`);
    return;
  }
  process.stdout.write(
    [
      '# FLUXO_CONTEXT_PRIVATE_KEY: the gateway only; keep it secret',
      privateKeyPem.trim(),
      '# FLUXO_CONTEXT_PUBLIC_KEY: every subgraph',
      publicKeyPem.trim(),
      '',
    ].join('\n'),
  );
}

/**
 * `fluxo keys generate-db-passwords`: a FLUXO_<NAME>_DB_PASSWORD line for every
 * service's database login, for a .env file or a secret store (`fluxo db roles`
 * takes them all, each service only its own).
 */
export function generateDbPasswordsCommand(): void {
  process.stdout.write(
    loginServices()
      .map((s) => `${passwordVariable(s)}=${randomBytes(24).toString('base64url')}\n`)
      .join(''),
  );
}

/** `fluxo keys generate-admin-token`: a value for FLUXO_ADMIN_TOKEN (the operator's credential at the gateway). */
export function generateAdminTokenCommand(): void {
  process.stdout.write(`${generateAdminToken()}\n`);
}
