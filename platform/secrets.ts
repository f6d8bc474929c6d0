import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateAdminToken } from './access-key-format';
import { envName, parsePemSetting, type SecretSettings } from './config';
import { generateMasterKey } from './data-encryption';
import { loginServices } from './db-roles';
import { exportKeyPairPem, generateContextKeyPair, privateKeyFromPem, publicKeyFromPem, type ContextKeyPair } from './tenant-context';

export interface LocalSecrets {
  adminToken: string;
  /** True when the admin token was generated now (print it once). */
  adminTokenCreated: boolean;
  contextKeys: ContextKeyPair;
  /** Signs people's access tokens (access subgraph); the gateway verifies with the public half. */
  sessionKeys: ContextKeyPair;
  /** Each service's database password by NAME (`ASSETS`, `GATEWAY`, …): FLUXO_<NAME>_DB_PASSWORD, else generated. */
  databasePasswords: Record<string, string>;
  /** Wraps the tenants' data keys (base64, FLUXO_DATA_MASTER_KEY); given to the employees subgraph only. */
  dataMasterKey: string;
}

function readOrCreate(file: string, create: () => string): { value: string; created: boolean } {
  if (fs.existsSync(file)) return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  const value = create();
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}

/**
 * Secrets of a single-machine install, kept in the data dir (mode 0600):
 * the operator's admin token (unless FLUXO_ADMIN_TOKEN is set) and the
 * gateway's Ed25519 key pair that signs tenant contexts (unless both
 * FLUXO_CONTEXT_PRIVATE_KEY and FLUXO_CONTEXT_PUBLIC_KEY are set), and each
 * service's database password (unless its FLUXO_<NAME>_DB_PASSWORD is set).
 */
export function loadLocalSecrets(dataDir: string, given: SecretSettings, givenDatabasePasswords: Readonly<Record<string, string>> = {}): LocalSecrets {
  const dir = path.join(dataDir, 'secrets');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let adminToken: string;
  let adminTokenCreated = false;
  if (given.adminToken) adminToken = given.adminToken;
  else ({ value: adminToken, created: adminTokenCreated } = readOrCreate(path.join(dir, 'admin-token'), generateAdminToken));
  let contextKeys: ContextKeyPair;
  if (given.contextPrivateKey && given.contextPublicKey) {
    contextKeys = {
      privateKey: parsePemSetting('FLUXO_CONTEXT_PRIVATE_KEY', given.contextPrivateKey, privateKeyFromPem),
      publicKey: parsePemSetting('FLUXO_CONTEXT_PUBLIC_KEY', given.contextPublicKey, publicKeyFromPem),
    };
  } else {
    const pemFile = path.join(dir, 'context-signing-key.pem');
    const { value } = readOrCreate(pemFile, () => exportKeyPairPem(generateContextKeyPair()).privateKeyPem);
    const privateKey = privateKeyFromPem(value);
    contextKeys = { privateKey, publicKey: publicKeyFromPem(exportPublic(privateKey)) };
  }
  let sessionKeys: ContextKeyPair;
  if (given.sessionPrivateKey && given.sessionPublicKey) {
    sessionKeys = {
      privateKey: parsePemSetting('FLUXO_SESSION_PRIVATE_KEY', given.sessionPrivateKey, privateKeyFromPem),
      publicKey: parsePemSetting('FLUXO_SESSION_PUBLIC_KEY', given.sessionPublicKey, publicKeyFromPem),
    };
  } else {
    const { value } = readOrCreate(path.join(dir, 'session-signing-key.pem'), () => exportKeyPairPem(generateContextKeyPair()).privateKeyPem);
    const privateKey = privateKeyFromPem(value);
    sessionKeys = { privateKey, publicKey: publicKeyFromPem(exportPublic(privateKey)) };
  }
  const databasePasswords: Record<string, string> = {};
  for (const service of loginServices()) {
    const name = envName(service);
    databasePasswords[name] =
      givenDatabasePasswords[name] ?? readOrCreate(path.join(dir, `db-password-${service}`), () => randomBytes(24).toString('base64url')).value;
  }
  const dataMasterKey = given.dataMasterKey ?? readOrCreate(path.join(dir, 'data-master-key'), generateMasterKey).value;
  return { adminToken, adminTokenCreated, contextKeys, sessionKeys, databasePasswords, dataMasterKey };
}

// Deriving the public key from the private one keeps a single file to protect.
function exportPublic(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
}

/** The master key `fluxo start` generated in the data dir, if any: what the CLI uses when FLUXO_DATA_MASTER_KEY is not set. */
export function localDataMasterKey(dataDir: string): string | null {
  const file = path.join(dataDir, 'secrets', 'data-master-key');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
}
