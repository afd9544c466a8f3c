// Live updates for the console: Server-Sent Events to every open page. An event says what changed (an
// incident, the stakeholder channel, a drill run); each page refetches its own part (console.js).
import type { Request, Response } from 'express';

export interface LiveEvent {
  incident?: string;
  stakeholders?: true;
  drill?: string;
  /** Someone's private messages changed. */
  user?: string;
}

/** More open pages than a laptop's tabs: a runaway client cannot hold unbounded sockets. */
const MAX_CLIENTS = 100;
const HEARTBEAT_MS = 20_000;

/** Who may hear of an event (a confidential incident's key is news for its members only). */
export type Audience = (person: string) => boolean;

export class LiveHub {
  private readonly clients = new Map<Response, string>();
  private timer: NodeJS.Timeout | null = null;

  get size(): number {
    return this.clients.size;
  }

  /** Serves `GET /events` to `person` (the request was authenticated before). */
  connect(req: Request, res: Response, person: string): void {
    if (this.clients.size >= MAX_CLIENTS) {
      res.status(503).set('Retry-After', '5').end();
      return;
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: 2000\ndata: ${JSON.stringify({ hello: this.seq })}\n\n`);
    this.clients.set(res, person);
    this.timer ??= setInterval(() => this.write(': ping\n\n'), HEARTBEAT_MS).unref();
    req.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    });
  }

  /**
   * Numbers every event: a page is rendered with the number it has seen, and the stream opens with the
   * latest, so a page refetches only when something happened between its rendering and its connection.
   */
  private seq = 0;

  get latest(): number {
    return this.seq;
  }

  publish(e: LiveEvent, audience: Audience = () => true): void {
    this.seq++;
    this.write(`data: ${JSON.stringify({ ...e, seq: this.seq })}\n\n`, audience);
  }

  private write(chunk: string, audience: Audience = () => true): void {
    for (const [res, person] of this.clients) if (audience(person)) res.write(chunk);
  }

  /** Ends every stream (shutdown): browsers reconnect to whatever serves next. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const res of this.clients.keys()) res.end();
    this.clients.clear();
  }
}
