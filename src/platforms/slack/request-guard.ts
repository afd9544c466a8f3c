// In front of Bolt's receiver on POST /slack/events: refuses what Bolt would let through or choke on.
// - A signature whose timestamp is more than 5 minutes in the FUTURE (Bolt only refuses old ones): 401.
// - A correctly signed body whose shape no Slack request has (empty, not a form or JSON object,
//   `payload` that is not an object, a block_actions without actions, a view_submission without a view,
//   an event_callback without an event, a form that is neither a command nor a payload): 400 at once,
//   instead of a 500 from Bolt's parser or an unanswered request that times out after 3 s.
// - A well-formed payload of a type Bolt does not know: 200 (acknowledged and ignored, logged), so Slack
//   does not retry it.
// Unsigned or wrongly signed requests are left to Bolt, which answers 401. The raw body read here is
// handed on as `req.rawBody`, which Bolt's receiver uses instead of reading the stream again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { SlackLogger } from './context.js';

const MAX_BODY = 1024 * 1024;
const KNOWN_PAYLOADS = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
  'dialog_suggestion',
  'workflow_step_edit',
]);
const KNOWN_JSON = new Set(['event_callback', 'url_verification', 'app_rate_limited', 'ssl_check']);

function readBody(req: Request): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function signatureOk(secret: string, ts: string, body: string, sig: string): boolean {
  const want = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`);
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a signed body is malformed, '' when it looks like a Slack request, or 'unknown' for an unknown type. */
export function shapeProblem(body: string, contentType: string): string {
  if (!body) return 'empty body';
  if (contentType.includes('application/json')) {
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch {
      return 'body is not JSON';
    }
    if (!isObject(v)) return 'body is not a JSON object';
    if (!KNOWN_JSON.has(String(v.type))) return 'unknown';
    if (v.type === 'event_callback' && (!isObject(v.event) || typeof v.event.type !== 'string'))
      return 'event_callback without an event';
    return '';
  }
  if (!contentType.includes('application/x-www-form-urlencoded')) return ''; // Bolt answers these itself
  if (/%(?![0-9A-Fa-f]{2})/.test(body)) return 'form body is not URL-encoded';
  const form = new URLSearchParams(body);
  const raw = form.get('payload');
  if (raw === null) {
    if (!form.get('command')) return 'form is neither a slash command nor a payload';
    return '';
  }
  let p: unknown;
  try {
    p = JSON.parse(raw);
  } catch {
    return 'payload is not JSON';
  }
  if (!isObject(p)) return 'payload is not a JSON object';
  if (!KNOWN_PAYLOADS.has(String(p.type))) return 'unknown';
  if (
    p.type === 'block_actions' &&
    (!Array.isArray(p.actions) || p.actions.length === 0 || !p.actions.every(isObject))
  )
    return 'block_actions without actions';
  if ((p.type === 'view_submission' || p.type === 'view_closed') && (!isObject(p.view) || !isObject(p.user)))
    return `${p.type} without a view or user`;
  if ((p.type === 'shortcut' || p.type === 'message_action') && typeof p.callback_id !== 'string')
    return `${p.type} without a callback_id`;
  return '';
}

export function slackRequestGuard(signingSecret: string, log: SlackLogger) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.method !== 'POST') return next();
    const ts = String(req.headers['x-slack-request-timestamp'] ?? '');
    const sig = String(req.headers['x-slack-signature'] ?? '');
    let raw: Buffer | null;
    try {
      raw = await readBody(req);
    } catch {
      res.status(400).json({ ok: false, error: 'could not read the request body' });
      return;
    }
    if (raw === null) {
      res.status(413).json({ ok: false, error: 'request body too large' });
      return;
    }
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    const body = raw.toString('utf8');
    // Only correctly signed requests are judged here; everything else goes to Bolt, which refuses it.
    if (!/^\d+$/.test(ts) || !sig || !signatureOk(signingSecret, ts, body, sig)) return next();
    if (Number(ts) > Date.now() / 1000 + 300) {
      log.warn({ ts }, 'slack request refused: timestamp in the future');
      res.status(401).json({ ok: false, error: 'request timestamp is in the future' });
      return;
    }
    const problem = shapeProblem(body, String(req.headers['content-type'] ?? ''));
    if (problem === 'unknown') {
      log.warn({}, 'slack request of an unknown type acknowledged and ignored');
      res.status(200).end();
      return;
    }
    if (problem) {
      log.warn({ problem }, 'malformed slack request refused');
      res.status(400).json({ ok: false, error: `malformed request: ${problem}` });
      return;
    }
    next();
  };
}
