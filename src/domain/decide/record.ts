import type { MessageSource } from '../commands.js';
import type { Effect, LogEffect } from '../effects.js';
import { type DomainError, fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { type Handler, log, notice, ok, post, ROOM } from './context.js';

export function sourceRef(i: Incident, s: MessageSource | undefined): DomainError | null {
  if (s && i.loggedMessages.includes(s.messageId))
    return { code: 'already_logged', message: 'That message is already in the log.' };
  return null;
}
export function withSource(i: Incident, s: MessageSource | undefined): Incident {
  return s ? { ...i, loggedMessages: [...i.loggedMessages, s.messageId] } : i;
}
export function sourcePayload(s: MessageSource | undefined): Record<string, unknown> {
  return s
    ? {
        messageId: s.messageId,
        author: s.author ?? null,
        writtenAt: s.writtenAt ?? null,
        files: s.files ?? [],
      }
    : {};
}

export const logNote: Handler<'log'> = (i, c, ctx) => {
  const dup = sourceRef(i, c.source);
  if (dup) return { ok: false, error: dup };
  if (!c.text.trim() && !c.source?.files?.length)
    return fail('invalid', 'Nothing to log: the text is empty.');
  const extra: Partial<LogEffect> = {};
  if (c.source?.permalink) extra.source = c.source.permalink;
  if (c.source?.writtenAt) extra.at = c.source.writtenAt;
  const effects: Effect[] = [
    log('note', { text: c.text, note: c.note ?? null, ...sourcePayload(c.source) }, extra),
  ];
  for (const f of c.source?.files ?? [])
    effects.push(log('evidence', { name: f.name, link: f.permalink }, { source: f.permalink }));
  effects.push(notice('Added to the incident log.'));
  void ctx;
  return ok(withSource(i, c.source), effects);
};

export const logDecision: Handler<'decision'> = (i, c) => {
  const dup = sourceRef(i, c.source);
  if (dup) return { ok: false, error: dup };
  if (!c.text.trim()) return fail('invalid', 'A decision needs its text.');
  const extra: Partial<LogEffect> = {};
  if (c.source?.permalink) extra.source = c.source.permalink;
  if (c.source?.writtenAt) extra.at = c.source.writtenAt;
  return ok(withSource(i, c.source), [
    log('decision', { text: c.text, rationale: c.rationale ?? null, ...sourcePayload(c.source) }, extra),
    notice('Decision recorded.'),
  ]);
};

export const logEvidence: Handler<'evidence'> = (i, c) => {
  const dup = sourceRef(i, c.source);
  if (dup) return { ok: false, error: dup };
  if (!c.name.trim()) return fail('invalid', 'Evidence needs a name or a link.');
  const extra: Partial<LogEffect> = {};
  const link = c.link ?? c.source?.permalink;
  if (link) extra.source = link;
  if (c.source?.writtenAt) extra.at = c.source.writtenAt;
  return ok(withSource(i, c.source), [
    log(
      'evidence',
      {
        name: c.name,
        link: link ?? null,
        ...(c.size !== undefined ? { size: c.size } : {}),
        ...(c.sha256 ? { sha256: c.sha256 } : {}),
        ...sourcePayload(c.source),
      },
      extra,
    ),
    notice('Evidence recorded.'),
  ]);
};

export const correction: Handler<'correction'> = (i, c) => {
  if (!i.loggedMessages.includes(c.messageId)) return fail('not_found', 'That message is not in the log.');
  return ok(i, [log('correction', { messageId: c.messageId, change: c.change, text: c.text ?? null })]);
};

export const snooze: Handler<'snooze'> = (i, c, ctx) => {
  if (Date.parse(c.until) <= ctx.now.getTime()) return fail('invalid', 'Snooze until a time in the future.');
  return ok({ ...i, snoozes: { ...i.snoozes, [c.kind]: c.until } }, [
    log('snooze', { kind: c.kind, until: c.until }),
    notice(`Snoozed until ${c.until}.`),
  ]);
};

export const exportRecord: Handler<'export'> = (i, c) =>
  ok(i, [log('export', { format: c.format }), post('export', ROOM, 'export', { format: c.format })]);
