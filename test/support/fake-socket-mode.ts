/**
 * A fake Slack Socket Mode endpoint on loopback: a minimal RFC 6455 WebSocket server written on node:http's
 * `upgrade` event (no `ws` package), speaking the Socket Mode protocol @slack/socket-mode expects.
 *
 * - Handshake: `Sec-WebSocket-Accept = base64(sha1(key + GUID))`; no extensions (permessage-deflate is not
 *   accepted), no subprotocol.
 * - Server frames are unmasked; client frames must be masked (7-bit, 16-bit and 64-bit lengths, fragmented
 *   messages reassembled). Ping is answered with pong; a close frame is echoed and the TCP connection ended.
 * - On connect it sends `hello` (SocketModeClient.start() resolves on it). `push()` sends an envelope
 *   `{ envelope_id, type, payload, accepts_response_payload }`; the client's acks `{ envelope_id, payload? }`
 *   are recorded in `acks`. `disconnect()` sends Slack's `{ type: 'disconnect', reason }` message.
 *
 * Usage: `const sm = await startFakeSocketMode(); const api = await startFakeSlackApi({ socketModeUrl: sm.url });`
 * Shut the app down before `sm.close()`: a connection the server drops first makes the client reconnect.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are free-form JSON
export type Json = any;

export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Largest client message accepted (bigger ones close the connection with 1009). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api' | (string & {});

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Json;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface PushOptions {
  envelopeId?: string;
  /** Default: true for slash_commands and interactive, false for events_api. */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
  /** Send on this connection (default: the newest open one). */
  connection?: FakeSocketConnection;
}

export interface SocketAck {
  envelope_id: string;
  /** What the app passed to ack() (`{}` for a bare ack). */
  payload?: Json;
  /** The whole parsed message. */
  message: Json;
  at: number;
}

export interface FakeSocketConnection {
  id: number;
  /** Request path and query the client connected with. */
  path: string;
  headers: IncomingMessage['headers'];
  /** Text messages received, raw. */
  received: string[];
  /** Pings received from the client (payloads). */
  pings: Buffer[];
  /** Pongs received from the client (answers to `ping()`). */
  pongs: Buffer[];
  /** Close code the client sent, once it did. */
  closeCode: number | undefined;
  closed: boolean;
  sendText(text: string): void;
  sendJson(value: Json): void;
  ping(data?: string | Buffer): void;
  /** Start the close handshake (the socket is destroyed if the client does not answer in 1 s). */
  close(code?: number, reason?: string): Promise<void>;
  /** Drop the TCP connection without a close frame. */
  destroy(): void;
}

export interface FakeSocketModeOptions {
  /** app_id in the hello message (default A0TEST). */
  appId?: string;
  /** Send `hello` on connect (default true). */
  hello?: boolean;
}

export interface FakeSocketMode {
  /** `ws://127.0.0.1:PORT/link/?ticket=...&app_id=...`: answer it from apps.connections.open. */
  url: string;
  origin: string;
  /** Every connection ever accepted, oldest first. */
  connections: FakeSocketConnection[];
  /** Connections not yet closed. */
  openConnections(): FakeSocketConnection[];
  /** Upgrade requests refused (bad handshake). */
  rejected: { path: string; reason: string }[];
  /** Envelopes pushed, oldest first. */
  pushed: Envelope[];
  /** Acks received, oldest first. */
  acks: SocketAck[];
  /** Resolves with the newest open connection once there is one (after `hello` was sent). */
  waitForConnection(timeoutMs?: number): Promise<FakeSocketConnection>;
  /** Send an envelope; returns it (with its envelope_id). */
  push(type: EnvelopeType, payload: Json, opts?: PushOptions): Envelope;
  /** Push and wait for its ack. */
  request(type: EnvelopeType, payload: Json, opts?: PushOptions & { timeoutMs?: number }): Promise<SocketAck>;
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** Slack's `{ type: 'disconnect', reason }` (the client closes and, unless shutting down, reconnects). */
  disconnect(reason?: string, connection?: FakeSocketConnection): void;
  /** Resolves when no connection is open. */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  /** Close every connection (close handshake, then destroy) and stop listening. */
  close(): Promise<void>;
}

/** `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`. */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
}

export const OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** One unmasked (server-to-client) frame, FIN set. */
export function encodeFrame(opcode: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const len = payload.length;
  let header: Buffer;
  if (len < 126) {
    header = Buffer.alloc(2);
    header[1] = len;
  } else if (len <= 0xffff) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  header[0] = 0x80 | (opcode & 0x0f);
  return Buffer.concat([header, payload]);
}

export interface DecodedFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  /** Unmasked payload. */
  payload: Buffer;
  /** Bytes of `buf` this frame used. */
  length: number;
}

/**
 * Decode one frame from the start of `buf`; null when `buf` does not hold a whole frame yet.
 * Throws on a length over `maxBytes`.
 */
export function decodeFrame(buf: Buffer, maxBytes = MAX_MESSAGE_BYTES): DecodedFrame | null {
  if (buf.length < 2) return null;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let len = buf[1] & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(maxBytes)) throw new RangeError(`frame of ${big} bytes`);
    len = Number(big);
    offset = 10;
  }
  if (len > maxBytes) throw new RangeError(`frame of ${len} bytes`);
  let mask: Buffer | null = null;
  if (masked) {
    if (buf.length < offset + 4) return null;
    mask = buf.subarray(offset, offset + 4);
    offset += 4;
  }
  if (buf.length < offset + len) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (mask) for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i & 3];
  return { fin, opcode, masked, payload, length: offset + len };
}

function closePayload(code: number, reason = ''): Buffer {
  const r = Buffer.from(reason, 'utf8');
  const b = Buffer.alloc(2 + r.length);
  b.writeUInt16BE(code, 0);
  r.copy(b, 2);
  return b;
}

export async function startFakeSocketMode(opts: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  const appId = opts.appId ?? 'A0TEST';
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const connections: FakeSocketConnection[] = [];
  const rejected: { path: string; reason: string }[] = [];
  const pushed: Envelope[] = [];
  const acks: SocketAck[] = [];
  const sockets = new Set<Socket>();
  let nextId = 0;

  const server: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('WebSocket only');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function refuse(socket: Socket, path: string, reason: string): void {
    rejected.push({ path, reason });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`,
    );
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = req.url ?? '/';
    socket.on('error', () => undefined);
    const key = req.headers['sec-websocket-key'];
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
      return refuse(socket, path, 'not websocket');
    if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16)
      return refuse(socket, path, 'bad Sec-WebSocket-Key');
    if (req.headers['sec-websocket-version'] !== '13')
      return refuse(socket, path, 'bad Sec-WebSocket-Version');
    socket.setNoDelay(true);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    );

    nextId += 1;
    let buffer: Buffer = Buffer.alloc(0);
    let fragments: Buffer[] = [];
    let fragmentOpcode = 0;
    let closeSent = false;
    let closeTimer: NodeJS.Timeout | undefined;
    const closedWaiters: (() => void)[] = [];

    const write = (opcode: number, payload?: Buffer) => {
      if (conn.closed || closeSent || socket.destroyed) return;
      socket.write(encodeFrame(opcode, payload));
    };
    const sendClose = (code: number, reason = '') => {
      if (closeSent || socket.destroyed) return;
      socket.write(encodeFrame(OPCODE.close, closePayload(code, reason)));
      closeSent = true;
    };
    const fail = (code: number, reason: string) => {
      sendClose(code, reason);
      socket.end();
      closeTimer ??= setTimeout(() => socket.destroy(), 1000);
    };

    const conn: FakeSocketConnection = {
      id: nextId,
      path,
      headers: req.headers,
      received: [],
      pings: [],
      pongs: [],
      closeCode: undefined,
      closed: false,
      sendText: (text) => write(OPCODE.text, Buffer.from(text, 'utf8')),
      sendJson: (value) => write(OPCODE.text, Buffer.from(JSON.stringify(value), 'utf8')),
      ping: (data = '') => write(OPCODE.ping, Buffer.isBuffer(data) ? data : Buffer.from(data)),
      close(code = 1000, reason = '') {
        if (conn.closed) return Promise.resolve();
        const done = new Promise<void>((r) => closedWaiters.push(r));
        sendClose(code, reason);
        closeTimer ??= setTimeout(() => socket.destroy(), 1000);
        return done;
      },
      destroy() {
        socket.destroy();
      },
    };

    const onMessage = (opcode: number, data: Buffer) => {
      if (opcode !== OPCODE.text) return; // Socket Mode clients only send text
      const text = data.toString('utf8');
      conn.received.push(text);
      let msg: Json;
      try {
        msg = JSON.parse(text);
      } catch {
        return;
      }
      if (msg && typeof msg === 'object' && typeof msg.envelope_id === 'string') {
        const ack: SocketAck = { envelope_id: msg.envelope_id, message: msg, at: Date.now() };
        if ('payload' in msg) ack.payload = msg.payload;
        acks.push(ack);
        emitter.emit('ack', ack);
      }
    };

    const onData = (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (conn.closed || socket.destroyed) return;
        let frame: DecodedFrame | null;
        try {
          frame = decodeFrame(buffer);
        } catch {
          return fail(1009, 'message too big');
        }
        if (!frame) return;
        buffer = buffer.subarray(frame.length);
        if (!frame.masked) return fail(1002, 'client frames must be masked');
        const { opcode, payload } = frame;
        if (opcode >= 0x8) {
          // Control frames: never fragmented, at most 125 bytes.
          if (!frame.fin || payload.length > 125) return fail(1002, 'bad control frame');
          if (opcode === OPCODE.ping) {
            conn.pings.push(payload);
            write(OPCODE.pong, payload);
          } else if (opcode === OPCODE.pong) {
            conn.pongs.push(payload);
          } else if (opcode === OPCODE.close) {
            conn.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
            // Echo the close (unless we started the handshake), then end the TCP connection.
            if (!closeSent) sendClose(conn.closeCode === 1005 ? 1000 : conn.closeCode);
            socket.end();
            closeTimer ??= setTimeout(() => socket.destroy(), 1000);
            return;
          } else {
            return fail(1002, 'unknown opcode');
          }
          continue;
        }
        if (opcode === OPCODE.continuation) {
          if (fragments.length === 0) return fail(1002, 'unexpected continuation');
          fragments.push(payload);
        } else if (opcode === OPCODE.text || opcode === OPCODE.binary) {
          if (fragments.length > 0) return fail(1002, 'expected continuation');
          fragmentOpcode = opcode;
          fragments = [payload];
        } else {
          return fail(1002, 'unknown opcode');
        }
        const size = fragments.reduce((n, f) => n + f.length, 0);
        if (size > MAX_MESSAGE_BYTES) return fail(1009, 'message too big');
        if (frame.fin) {
          const data = fragments.length === 1 ? fragments[0] : Buffer.concat(fragments);
          fragments = [];
          onMessage(fragmentOpcode, data);
        }
      }
    };

    socket.on('data', onData);
    // Upgraded sockets from node:http allow half-open connections: end our side when the client ends its.
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      conn.closed = true;
      clearTimeout(closeTimer);
      for (const r of closedWaiters.splice(0)) r();
      emitter.emit('closed', conn);
    });
    connections.push(conn);
    if (opts.hello !== false) {
      conn.sendJson({
        type: 'hello',
        num_connections: connections.filter((c) => !c.closed).length,
        debug_info: {
          host: 'applink-fake-1',
          build_number: 1,
          approximate_connection_time: 18060,
        },
        connection_info: { app_id: appId },
      });
    }
    if (head.length) onData(head);
    emitter.emit('connection', conn);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `ws://127.0.0.1:${port}`;

  const openConnections = () => connections.filter((c) => !c.closed);
  const newest = () => openConnections().pop();

  function waitFor<T>(
    event: string,
    check: () => T | undefined,
    timeoutMs: number,
    what: () => string,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const now = check();
      if (now !== undefined) return resolve(now);
      const on = () => {
        const v = check();
        if (v !== undefined) {
          clearTimeout(timer);
          emitter.off(event, on);
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        emitter.off(event, on);
        reject(new Error(`fake Socket Mode: timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      emitter.on(event, on);
    });
  }

  const fake: FakeSocketMode = {
    url: `${origin}/link/?ticket=${randomUUID()}&app_id=${appId}`,
    origin,
    connections,
    openConnections,
    rejected,
    pushed,
    acks,
    waitForConnection(timeoutMs = 3000) {
      return waitFor('connection', newest, timeoutMs, () => 'a connection');
    },
    push(type, payload, o = {}) {
      const conn = o.connection ?? newest();
      if (!conn) throw new Error('fake Socket Mode: no open connection to push to');
      const envelope: Envelope = {
        envelope_id: o.envelopeId ?? randomUUID(),
        type,
        payload,
        accepts_response_payload: o.acceptsResponsePayload ?? type !== 'events_api',
      };
      if (o.retryAttempt !== undefined) envelope.retry_attempt = o.retryAttempt;
      if (o.retryReason !== undefined) envelope.retry_reason = o.retryReason;
      pushed.push(envelope);
      conn.sendJson(envelope);
      return envelope;
    },
    request(type, payload, o = {}) {
      const envelope = fake.push(type, payload, o);
      return fake.waitForAck(envelope.envelope_id, o.timeoutMs);
    },
    waitForAck(envelopeId, timeoutMs = 3000) {
      return waitFor(
        'ack',
        () => acks.find((a) => a.envelope_id === envelopeId),
        timeoutMs,
        () =>
          `the ack of envelope ${envelopeId} (acks so far: ${acks.map((a) => a.envelope_id).join(', ') || 'none'})`,
      );
    },
    disconnect(reason = 'refresh_requested', connection) {
      const conn = connection ?? newest();
      conn?.sendJson({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } });
    },
    waitForNoConnections(timeoutMs = 3000) {
      return waitFor(
        'closed',
        () => (openConnections().length === 0 ? true : undefined),
        timeoutMs,
        () => `${openConnections().length} connection(s) to close`,
      ).then(() => undefined);
    },
    async close() {
      await Promise.all(openConnections().map((c) => c.close(1001, 'going away')));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
