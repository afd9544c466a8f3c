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

describe('request context in every log line', () => {
  it('a line logged while a request is handled (after an await too) carries its reqId and, once bound, the incident', async () => {
    const { lines, logger } = capture();
    const express = (await import('express')).default;
    const { bindIncident, requestLogger } = await import('../../src/ops/request-log.js');
    const app = express();
    app.use(requestLogger(logger));
    app.post('/slack/events', async (_req, res) => {
      logger.info('before the incident is known');
      await new Promise((r) => setTimeout(r, 5));
      bindIncident('INC-2026-0042');
      res.json({ ok: true }); // the ack ...
      await new Promise((r) => setTimeout(r, 5));
      logger.warn('after the ack'); // ... and work after it, still with the request's fields
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-abc' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-abc');
    await new Promise((r) => setTimeout(r, 30));
    server.close();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const before = parsed.find((l) => l.msg === 'before the incident is known')!;
    const after = parsed.find((l) => l.msg === 'after the ack')!;
    expect(before).toMatchObject({ reqId: 'req-abc' });
    expect(before.incident).toBeUndefined();
    expect(after).toMatchObject({ reqId: 'req-abc', incident: 'INC-2026-0042' });
    // outside a request: neither
    logger.info('idle');
    const idle = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(idle.reqId).toBeUndefined();
    expect(idle.incident).toBeUndefined();
  });
});
