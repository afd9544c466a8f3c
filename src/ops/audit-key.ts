// The audit signing key: read from AUDIT_SIGNING_KEY_FILE (PEM, PKCS#8 Ed25519), made by `audit keygen`,
// or, outside production only, created next to the database (which protects nothing: whoever can write
// the database can read the key; it only keeps development and drills working the same way).
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type CheckpointSigner, keyIdOf, signerOf } from '../domain/audit/checkpoint.js';

export const PRIVATE_KEY_FILE = 'audit-signing-key.pem';
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export class AuditKeyError extends Error {}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new AuditKeyError(
      `Cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
    );
  }
}

export function loadSigningKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readPem(file, 'audit signing key'));
  } catch (e) {
    if (e instanceof AuditKeyError) throw e;
    throw new AuditKeyError(
      `${file} is not a private key in PEM form (make one with \`incident-bot audit keygen\`).`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AuditKeyError(
      `${file} is a ${key.asymmetricKeyType} key; the audit signing key must be Ed25519.`,
    );
  return key;
}

/** A public key (a private key file is accepted too: its public half is used). */
export function loadPublicKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(readPem(file, 'public key'));
  } catch (e) {
    if (e instanceof AuditKeyError) throw e;
    throw new AuditKeyError(`${file} is not a public key in PEM form.`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AuditKeyError(
      `${file} is a ${key.asymmetricKeyType} key; audit checkpoints are signed with Ed25519.`,
    );
  return key;
}

/** Writes a new key pair into `dir`; never overwrites. Returns the two paths and the key id. */
export function writeKeyPair(dir: string): { privateFile: string; publicFile: string; keyId: string } {
  const privateFile = path.resolve(dir, PRIVATE_KEY_FILE);
  const publicFile = path.resolve(dir, PUBLIC_KEY_FILE);
  for (const f of [privateFile, publicFile])
    if (existsSync(f)) throw new AuditKeyError(`${f} already exists; a signing key is never overwritten.`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(path.dirname(privateFile), { recursive: true });
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { privateFile, publicFile, keyId: keyIdOf(publicKey) };
}

export interface SignerChoice {
  signer: CheckpointSigner;
  /** Where the key came from, for the start-up log. */
  source: 'file' | 'development' | 'memory';
  file?: string;
  warning?: string;
}

/**
 * The signer for a database: AUDIT_SIGNING_KEY_FILE when set; otherwise (never in production: the
 * configuration refuses that) a development key beside the database, created on first use.
 */
export function chooseSigner(o: {
  keyFile?: string | undefined;
  dbPath: string;
  production: boolean;
}): SignerChoice {
  if (o.keyFile) return { signer: signerOf(loadSigningKey(o.keyFile)), source: 'file', file: o.keyFile };
  if (o.production)
    throw new AuditKeyError(
      'AUDIT_SIGNING_KEY_FILE is required in production (make one with `incident-bot audit keygen`).',
    );
  if (o.dbPath === ':memory:') {
    return { signer: signerOf(generateKeyPairSync('ed25519').privateKey), source: 'memory' };
  }
  const dir = path.dirname(path.resolve(o.dbPath));
  const file = path.join(dir, PRIVATE_KEY_FILE);
  if (!existsSync(file)) writeKeyPair(dir);
  return {
    signer: signerOf(loadSigningKey(file)),
    source: 'development',
    file,
    warning: `audit checkpoints are signed with a development key kept next to the database (${file}): this protects nothing against whoever can write the database. Set AUDIT_SIGNING_KEY_FILE to a key kept elsewhere before relying on the record.`,
  };
}
