// The fake Socket Mode server at the frame level, with a raw TCP client (no WebSocket library).
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acceptKey,
  type DecodedFrame,
  decodeFrame,
  encodeFrame,
  type FakeSocketMode,
  OPCODE,
  startFakeSocketMode,
} from './fake-socket-mode.js';

/** A client frame: masked, with the given FIN bit. */
function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const unmasked = encodeFrame(opcode, payload);
  const headerLen = payload.length < 126 ? 2 : payload.length <= 0xffff ? 4 : 10;
  const header = Buffer.from(unmasked.subarray(0, headerLen));
  if (!fin) header[0] &= 0x7f;
  header[1] |= 0x80;
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i += 1) body[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, body]);
}

/** A raw client: handshake, then frames in and out. */
class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  ended = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('end', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static async open(
    url: string,
    key = randomBytes(16).toString('base64'),
  ): Promise<{ c: RawClient; head: string }> {
    const u = new URL(url);
    const socket = connect(Number(u.port), u.hostname);
    await new Promise<void>((ok, ko) => socket.once('connect', ok).once('error', ko));
    const c = new RawClient(socket);
    socket.write(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const head = await c.until(() => {
      const i = c.buf.indexOf('\r\n\r\n');
      if (i < 0) return undefined;
      const text = c.buf.subarray(0, i).toString('latin1');
      c.buf = c.buf.subarray(i + 4);
      return text;
    });
    return { c, head };
  }

  private until<T>(take: () => T | undefined, timeoutMs = 2000): Promise<T> {
    return new Promise((ok, ko) => {
      const timer = setTimeout(() => ko(new Error('raw client: timed out')), timeoutMs);
      const check = () => {
        const v = take();
        if (v !== undefined) {
          clearTimeout(timer);
          ok(v);
        } else if (this.ended) {
          clearTimeout(timer);
          ko(new Error('raw client: connection ended'));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  frame(): Promise<DecodedFrame> {
    return this.until(() => {
      const f = decodeFrame(this.buf);
      if (!f) return undefined;
      this.buf = this.buf.subarray(f.length);
      return f;
    });
  }

  async json() {
    const f = await this.frame();
    expect(f.opcode).toBe(OPCODE.text);
    expect(f.masked).toBe(false);
    return JSON.parse(f.payload.toString('utf8'));
  }

  send(opcode: number, payload: Buffer | string, fin = true): void {
    this.socket.write(clientFrame(opcode, Buffer.isBuffer(payload) ? payload : Buffer.from(payload), fin));
  }

  endedSoon(): Promise<void> {
    return this.until(() => (this.ended ? true : undefined)).then(() => undefined);
  }
}

let sm: FakeSocketMode;
const clients: RawClient[] = [];

beforeEach(async () => {
  sm = await startFakeSocketMode({ appId: 'A0FAKE' });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await sm.waitForNoConnections();
  await sm.close();
});

async function open(key?: string) {
  const r = await RawClient.open(sm.url, key);
  clients.push(r.c);
  return r;
}

describe('fake Socket Mode server', () => {
  it('computes Sec-WebSocket-Accept as in RFC 6455 §1.3', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('encodes 7-bit, 16-bit and 64-bit lengths, and decodes them back', () => {
    for (const n of [0, 125, 126, 65535, 65536, 70000]) {
      const p = randomBytes(n);
      const f = decodeFrame(encodeFrame(OPCODE.binary, p));
      expect(f?.payload.equals(p)).toBe(true);
      expect(f?.length).toBe(n + (n < 126 ? 2 : n <= 0xffff ? 4 : 10));
    }
    expect(decodeFrame(encodeFrame(OPCODE.text, randomBytes(300)).subarray(0, 100))).toBeNull();
  });

  it('upgrades, says hello, pushes envelopes and records acks of every frame size', async () => {
    const { c, head } = await open('dGhlIHNhbXBsZSBub25jZQ==');
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    const hello = await c.json();
    expect(hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKE' } });
    expect(hello.debug_info).toBeTruthy();

    const env = sm.push('slash_commands', { command: '/incident', text: 'help' });
    expect(await c.json()).toEqual({
      envelope_id: env.envelope_id,
      type: 'slash_commands',
      payload: { command: '/incident', text: 'help' },
      accepts_response_payload: true,
    });
    expect(sm.push('events_api', { event: { type: 'app_mention' } }).accepts_response_payload).toBe(false);
    await c.json();

    const waiting = sm.waitForAck(env.envelope_id);
    const text = 'x'.repeat(300); // 16-bit length
    c.send(OPCODE.text, JSON.stringify({ envelope_id: env.envelope_id, payload: { text } }));
    const ack = await waiting;
    expect(ack.payload).toEqual({ text });

    const big = 'y'.repeat(70_000); // 64-bit length
    const bigAck = sm.waitForAck('E-big');
    c.send(OPCODE.text, JSON.stringify({ envelope_id: 'E-big', payload: { big } }));
    expect((await bigAck).payload.big).toHaveLength(70_000);

    // A fragmented message: text (FIN=0) + continuation (FIN=1).
    const frag = sm.waitForAck('E-frag');
    const msg = Buffer.from(JSON.stringify({ envelope_id: 'E-frag' }));
    c.send(OPCODE.text, msg.subarray(0, 5), false);
    c.send(OPCODE.continuation, msg.subarray(5));
    expect((await frag).payload).toBeUndefined();
    expect(sm.acks.map((a) => a.envelope_id)).toEqual([env.envelope_id, 'E-big', 'E-frag']);
  });

  it('answers ping with pong, and can ping the client', async () => {
    const { c } = await open();
    await c.json();
    c.send(OPCODE.ping, 'are you there');
    const pong = await c.frame();
    expect(pong.opcode).toBe(OPCODE.pong);
    expect(pong.payload.toString()).toBe('are you there');
    sm.connections[0].ping('hb');
    const ping = await c.frame();
    expect(ping.opcode).toBe(OPCODE.ping);
    c.send(OPCODE.pong, 'hb');
    await new Promise((r) => setTimeout(r, 50));
    expect(sm.connections[0].pongs.map(String)).toEqual(['hb']);
  });

  it('echoes a client close and ends the connection', async () => {
    const { c } = await open();
    await c.json();
    const body = Buffer.alloc(2);
    body.writeUInt16BE(1000);
    c.send(OPCODE.close, body);
    const close = await c.frame();
    expect(close.opcode).toBe(OPCODE.close);
    expect(close.payload.readUInt16BE(0)).toBe(1000);
    await c.endedSoon();
    await sm.waitForNoConnections();
    expect(sm.connections[0].closeCode).toBe(1000);
  });

  it('sends Slack disconnect messages and closes with 1002 on an unmasked client frame', async () => {
    const { c } = await open();
    await c.json();
    sm.disconnect('warning');
    expect(await c.json()).toMatchObject({ type: 'disconnect', reason: 'warning' });
    c.socket.write(encodeFrame(OPCODE.text, Buffer.from('{}'))); // unmasked: a protocol error
    const close = await c.frame();
    expect(close.opcode).toBe(OPCODE.close);
    expect(close.payload.readUInt16BE(0)).toBe(1002);
    await c.endedSoon();
  });

  it('refuses a bad handshake and plain HTTP', async () => {
    const { head } = await open('short');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(sm.rejected).toEqual([expect.objectContaining({ reason: 'bad Sec-WebSocket-Key' })]);
    const res = await fetch(sm.origin.replace('ws:', 'http:'));
    expect(res.status).toBe(426);
  });

  it('close() runs the close handshake with open clients', async () => {
    const { c } = await open();
    await c.json();
    const closing = sm.close();
    const f = await c.frame();
    expect(f.opcode).toBe(OPCODE.close);
    expect(f.payload.readUInt16BE(0)).toBe(1001);
    c.send(OPCODE.close, f.payload.subarray(0, 2));
    await closing;
    expect(sm.openConnections()).toHaveLength(0);
    sm = await startFakeSocketMode(); // for afterEach
  });
});
