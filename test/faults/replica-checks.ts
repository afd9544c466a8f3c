// The invariants the replica test holds the run to, read from the shared database and the fake Slack's
// recorded calls: every acknowledged command in the log once, every owed message sent exactly once and in
// order per lane, every reminder claimed and sent once. Each check adds what it finds broken to `problems`
// (so a failing run names every invariant it broke, under its seed) and returns counts for the summary.
import type { Db } from '../../src/storage/sql-db.js';
import type { FakeSlack, RecordedCall } from '../support/fake-slack-api.js';
import { type OutboxDbRow, outboxRows } from './fault-helpers.js';

export interface Acked {
  step: string;
  key: string;
  marker?: string;
}

/** What a run broke: one line per invariant, naming the offending rows (the first few). */
export class Problems {
  readonly list: string[] = [];

  /** `what` holds when `items` is empty. */
  none(what: string, items: string[]): void {
    if (items.length === 0) return;
    const more = items.length > 12 ? ` (and ${items.length - 12} more)` : '';
    this.list.push(`${what}: ${items.slice(0, 12).join('; ')}${more}`);
  }
}

interface LogRow {
  incident_key: string;
  seq: number;
  kind: string;
  payload: string;
  command_key: string | null;
  recorded_at: string;
}

const logRows = (db: Db) =>
  db
    .prepare(
      'SELECT incident_key, seq, kind, payload, command_key, recorded_at FROM decision_log ORDER BY incident_key, seq',
    )
    .all() as LogRow[];

/** Entries of one command are one append: consecutive seqs of one incident, recorded at one instant. */
function oneBatch(rows: LogRow[]): boolean {
  const first = rows[0]!;
  return rows.every(
    (r, n) =>
      r.incident_key === first.incident_key && r.seq === first.seq + n && r.recorded_at === first.recorded_at,
  );
}

/** For a slash command not recorded: whether its delivery was recorded as seen (processed_events). */
function sighting(db: Db, key: string): string {
  const m = /^slack:([^:]+):(.+)$/.exec(key);
  if (!m || key.startsWith('slack:view:') || key.startsWith('slack:action:')) return '';
  const seen = db
    .prepare('SELECT at FROM processed_events WHERE id = ?')
    .pluck()
    .get(`slack:slash:${m[1]}:${m[2]}`);
  return seen ? ` (its delivery was recorded as seen at ${seen}: Slack's retry was acked and dropped)` : '';
}

/** Every acknowledged command: handled (commands row, ok), its entries one append, its marker in one entry. */
export function checkCommands(db: Db, acked: Acked[], p: Problems): { commands: number; entries: number } {
  const rows = logRows(db);
  // "message sent" entries name the outbox row they settle (checkDeliveries counts them); every other entry
  // is a command's (or a reminder claim's), filed under its key.
  const byKey = new Map<string, LogRow[]>();
  for (const r of rows)
    if (r.command_key && r.kind !== 'message_sent')
      byKey.set(r.command_key, [...(byKey.get(r.command_key) ?? []), r]);
  // No command appended twice, acknowledged or not (a retry on the other replica must be a replay).
  p.none(
    'commands whose entries are not one append',
    [...byKey]
      .filter(([, rs]) => !oneBatch(rs))
      .map(([k, rs]) => `${k}: ${rs.map((r) => `${r.kind}@${r.seq}`)}`),
  );
  const keys = acked.map((a) => a.key);
  p.none(
    'acknowledged twice under one key',
    keys.filter((k, n) => keys.indexOf(k) !== n),
  );
  const notRecorded: string[] = [];
  const refused: string[] = [];
  const unlogged: string[] = [];
  const markers: string[] = [];
  for (const a of acked) {
    const cmd = db.prepare('SELECT result FROM commands WHERE key = ?').pluck().get(a.key) as
      | string
      | undefined;
    if (!cmd) {
      notRecorded.push(`${a.step} [${a.key}]${sighting(db, a.key)}`);
      continue;
    }
    if (!JSON.parse(cmd).ok) refused.push(`${a.step}: ${cmd}`);
    if (!byKey.has(a.key)) unlogged.push(a.step);
    if (!a.marker) continue;
    const carrying = rows.filter((r) => r.payload.includes(a.marker!));
    if (carrying.length !== 1 || carrying[0]!.command_key !== a.key)
      markers.push(
        `${a.step}: ${carrying.map((r) => `${r.kind}@${r.seq} [${r.command_key}]`).join(', ') || 'none'}`,
      );
  }
  p.none('acknowledged commands not in the record', notRecorded);
  p.none('acknowledged commands recorded as refused', refused);
  p.none('acknowledged commands with no log entry', unlogged);
  p.none('acknowledged commands whose text is not in exactly one entry, theirs', markers);
  return { commands: acked.length, entries: rows.length };
}

const outboxKeyOf = (c: RecordedCall): string | undefined => c.args.metadata?.event_payload?.outbox_key;

interface Result {
  updated?: boolean;
  superseded?: boolean;
  seeded?: boolean;
  foundAfterCrash?: boolean;
}

const tally = (keys: string[]) => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};

/**
 * Nothing owed left; every post (and every live view's first post) reached Slack exactly once, found again
 * after a crash rather than posted twice, with one "message sent" entry; within a lane Slack received the
 * posts in outbox order; one channel per declared incident.
 */
export function checkDeliveries(
  db: Db,
  fake: FakeSlack,
  declared: string[],
  p: Problems,
): { rows: number; posts: number; found: number } {
  const rows = outboxRows(db);
  p.none(
    'rows never delivered',
    rows.filter((r) => !r.sent_at && !r.failed_at).map((r) => r.key),
  );
  p.none(
    'rows given up',
    rows.filter((r) => r.failed_at).map((r) => `${r.key}: ${(r as { last_error?: string }).last_error}`),
  );
  const posts = fake.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && outboxKeyOf(c));
  const count = tally(posts.map((c) => outboxKeyOf(c)!));
  p.none(
    'rows Slack received more than once',
    [...count].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`),
  );
  const keys = new Set(rows.map((r) => r.key));
  p.none(
    'posts for no outbox row',
    [...count.keys()].filter((k) => !keys.has(k)),
  );
  // The dispatcher's "message sent" entry: one per row settled (a second means a second delivery recorded).
  const sent = tally(
    (
      db.prepare("SELECT payload FROM decision_log WHERE kind = 'message_sent'").pluck().all() as string[]
    ).map((x) => JSON.parse(x).outboxKey as string),
  );
  p.none(
    'rows recorded as sent more than once',
    [...sent].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`),
  );
  let found = 0;
  const wrong: string[] = [];
  const firstPosts = new Map<string, number>(); // incident:view -> posts
  for (const r of rows) {
    const body = JSON.parse(r.body) as { kind: string; view?: string };
    const res = JSON.parse(r.result ?? '{}') as Result;
    if (res.seeded) continue;
    if (res.foundAfterCrash) found++;
    if (body.kind === 'post') {
      if (count.get(r.key) !== 1)
        wrong.push(`${r.key} (a post) reached Slack ${count.get(r.key) ?? 0} times`);
      if (sent.get(r.key) !== 1)
        wrong.push(`${r.key} (a post) has ${sent.get(r.key) ?? 0} "message sent" entries`);
    }
    if (body.kind === 'view') {
      const id = `${r.incident_key}:${body.view}`;
      firstPosts.set(id, (firstPosts.get(id) ?? 0) + (count.get(r.key) ?? 0));
      // A refresh superseded by a later one in its lane costs no call; one that found the message updates it.
      if (!res.updated && !res.superseded && count.get(r.key) !== 1)
        wrong.push(
          `${r.key} (a view's first post, ${r.result}) reached Slack ${count.get(r.key) ?? 0} times`,
        );
    }
  }
  p.none('deliveries not exactly once', wrong);
  p.none(
    'live views posted other than once',
    [...firstPosts].filter(([, n]) => n !== 1).map(([k, n]) => `${k} posted ${n} times`),
  );
  p.none('posts out of order within a lane', laneOrder(rows, posts));
  for (const key of declared) {
    const room = db.prepare('SELECT room_id FROM incidents WHERE key = ?').pluck().get(key);
    const created = fake
      .okCallsTo('conversations.create')
      .filter((c) => fake.channelByName(String(c.args.name))?.id === room);
    if (created.length !== 1) p.list.push(`${key}: ${created.length} channels created`);
  }
  return { rows: rows.length, posts: posts.length, found };
}

/** Within a lane, Slack saw the posts in the order of the rows' ids: what arrived out of order. */
function laneOrder(rows: OutboxDbRow[], posts: RecordedCall[]): string[] {
  const rowOf = new Map(rows.map((r) => [r.key, r]));
  const last = new Map<string, OutboxDbRow>();
  const wrong: string[] = [];
  for (const c of posts) {
    const r = rowOf.get(outboxKeyOf(c)!);
    if (!r) continue;
    const prev = last.get(r.lane);
    if (prev && prev.id > r.id)
      wrong.push(`lane ${r.lane}: ${r.key} (#${r.id}) after ${prev.key} (#${prev.id})`);
    last.set(r.lane, r);
  }
  return wrong;
}

/** Every reminder claimed once: its one outbox row (delivered like any post), its one nudge entry. */
export function checkReminders(db: Db, p: Problems): { reminders: number } {
  const keys = db.prepare('SELECT key FROM reminders ORDER BY key').pluck().all() as string[];
  const rows = tally(outboxRows(db).map((r) => r.key));
  const nudges = tally(
    (db.prepare("SELECT payload FROM decision_log WHERE kind = 'nudge'").pluck().all() as string[]).map(
      (x) => JSON.parse(x).reminder as string,
    ),
  );
  p.none(
    'reminders not claimed exactly once (outbox row, nudge entry)',
    keys
      .filter((k) => rows.get(`reminder:${k}`) !== 1 || nudges.get(k) !== 1)
      .map((k) => `${k}: ${rows.get(`reminder:${k}`) ?? 0} rows, ${nudges.get(k) ?? 0} entries`),
  );
  const claimed = new Set(keys);
  p.none(
    'nudge entries for no claimed reminder',
    [...nudges.keys()].filter((k) => !claimed.has(k)),
  );
  return { reminders: keys.length };
}
