// The test key pair (test/fixtures/keys): every test stack signs its checkpoints with it.
import path from 'node:path';
import { signerOf } from '../../src/domain/audit/checkpoint.js';
import { loadSigningKey } from '../../src/ops/audit-key.js';

const KEYS = path.resolve(import.meta.dirname, '../fixtures/keys');
export const TEST_KEY_FILE = path.join(KEYS, 'audit-signing-key.pem');
export const TEST_PUBKEY_FILE = path.join(KEYS, 'audit-signing-key.pub.pem');
export const OTHER_KEY_FILE = path.join(KEYS, 'other-key.pem');
export const OTHER_PUBKEY_FILE = path.join(KEYS, 'other-key.pub.pem');

export const testSigner = signerOf(loadSigningKey(TEST_KEY_FILE));
export const otherSigner = signerOf(loadSigningKey(OTHER_KEY_FILE));
