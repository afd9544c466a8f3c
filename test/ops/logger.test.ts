import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination: dest }) };
}

describe('logger redaction', () => {
  const token = 'xoxb-1234567890-abcdefghijklmnop';
  const secret = 'f00dfacecafebeef0123456789abcdef';

  it('never writes a token, signing secret, password or Authorization header', () => {
    const { lines, logger } = capture();
    logger.info({ token, signingSecret: secret, password: 'hunter2' }, 'starting');
    logger.info({ req: { headers: { authorization: `Bearer ${token}` } } }, 'request');
    logger.info({ config: { SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: secret } }, 'config');
    logger.info({ client: { botToken: token, clientSecret: secret } }, 'nested');
    logger.warn(`call failed with token ${token}`);
    logger.error({ err: new Error(`invalid_auth for ${token}`) }, 'boom');
    const out = lines.join('');
    expect(lines).toHaveLength(6);
    expect(out).not.toContain(token);
    expect(out).not.toContain(secret);
    expect(out).not.toContain('hunter2');
    expect(out).toContain('[Redacted]');
  });
});
