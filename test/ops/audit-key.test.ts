// Where the signing key comes from: the configured file (checked to be an Ed25519 private key), or outside
// production a development key created next to the database, with a warning that it protects nothing.

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditKeyError, chooseSigner, loadPublicKey, loadSigningKey } from '../../src/ops/audit-key.js';
import { TEST_KEY_FILE, TEST_PUBKEY_FILE, testSigner } from '../helpers/audit-key.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'incident-bot-key-'));

describe('the audit signing key', () => {
  it('uses AUDIT_SIGNING_KEY_FILE when set', () => {
    const c = chooseSigner({ keyFile: TEST_KEY_FILE, dbPath: '/nowhere/bot.db', production: true });
    expect(c.source).toBe('file');
    expect(c.signer.keyId).toBe(testSigner.keyId);
    expect(c.warning).toBeUndefined();
  });

  it('outside production creates a development key beside the database once, and warns', () => {
    const d = dir();
    const a = chooseSigner({ dbPath: path.join(d, 'bot.db'), production: false });
    expect(a.source).toBe('development');
    expect(existsSync(path.join(d, 'audit-signing-key.pem'))).toBe(true);
    expect(a.warning).toContain('protects nothing');
    expect(chooseSigner({ dbPath: path.join(d, 'bot.db'), production: false }).signer.keyId).toBe(
      a.signer.keyId,
    );
    expect(() => chooseSigner({ dbPath: path.join(d, 'bot.db'), production: true })).toThrow(AuditKeyError);
  });

  it('says what is wrong with a key file', () => {
    const d = dir();
    expect(() => loadSigningKey(path.join(d, 'missing.pem'))).toThrow(
      /Cannot read the audit signing key .*ENOENT/,
    );
    writeFileSync(path.join(d, 'junk.pem'), 'not a key');
    expect(() => loadSigningKey(path.join(d, 'junk.pem'))).toThrow(/is not a private key in PEM form/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    writeFileSync(path.join(d, 'rsa.pem'), rsa);
    expect(() => loadSigningKey(path.join(d, 'rsa.pem'))).toThrow(
      /is a rsa key; the audit signing key must be Ed25519/,
    );
    expect(() => loadSigningKey(TEST_PUBKEY_FILE)).toThrow(AuditKeyError);
    // a public key file, or the private key file (its public half), both verify
    expect(loadPublicKey(TEST_PUBKEY_FILE).asymmetricKeyType).toBe('ed25519');
    expect(loadPublicKey(TEST_KEY_FILE).type).toBe('public');
  });
});
