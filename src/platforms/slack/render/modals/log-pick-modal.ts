// "Add to incident log" used outside an incident's channel: pick the open incident, optionally mark the
// message as a decision, add a note. The message itself travels in private_metadata (cut to fit).
import { z } from 'zod';
import type { Incident } from '../../../../domain/incident.js';
import { VIEW } from '../../ids.js';
import {
  type Block,
  checkboxes,
  context,
  cut,
  escapeText,
  input,
  modal,
  option,
  readChecked,
  readText,
  type StateValues,
  section,
  staticSelect,
  textInput,
} from './kit.js';

export const LOG_PICK_BLOCK = { incident: 'incident', decision: 'decision', note: 'note' } as const;

/** The message being logged, as carried by the modal. */
export interface LogPickMeta {
  /** Channel of the message. */
  c: string;
  /** Message ts. */
  ts: string;
  /** Author (user id, or bot id). */
  a?: string;
  /** Message text (cut to fit private_metadata). */
  t: string;
  /** Files: name and permalink. */
  f?: { n: string; p: string }[];
}

const metaSchema = z.object({
  c: z.string().min(1).max(64),
  ts: z.string().regex(/^\d+(\.\d+)?$/),
  a: z.string().max(64).optional(),
  t: z.string().max(3000),
  f: z.array(z.object({ n: z.string().max(500), p: z.string().max(3000) })).optional(),
});

const META_MAX = 3000;

/** JSON for private_metadata, at most 3000 characters: files dropped from the end, then the text cut. */
export function encodeLogPickMeta(m: LogPickMeta): string {
  const files = [...(m.f ?? [])];
  const enc = (t: string, f: { n: string; p: string }[]) =>
    JSON.stringify({ c: m.c, ts: m.ts, ...(m.a ? { a: m.a } : {}), t, ...(f.length ? { f } : {}) });
  while (files.length && enc('', files).length > META_MAX / 2) files.pop();
  let text = m.t;
  let s = enc(text, files);
  while (s.length > META_MAX && text.length > 0) {
    const over = s.length - META_MAX;
    text = cut(m.t, Math.max(0, text.length - Math.max(over, 16)));
    s = enc(text, files);
  }
  return s;
}

export function decodeLogPickMeta(s: string | undefined): LogPickMeta | null {
  if (!s) return null;
  try {
    const r = metaSchema.safeParse(JSON.parse(s));
    if (!r.success) return null;
    const v = r.data;
    return { c: v.c, ts: v.ts, t: v.t, ...(v.a ? { a: v.a } : {}), ...(v.f ? { f: v.f } : {}) };
  } catch {
    return null;
  }
}

export function incidentOption(i: Incident): Block {
  return option(`${i.drill ? '[DRILL] ' : ''}${i.key}: ${i.title}`, i.key);
}

export function logPickModal(incidents: Incident[], meta: LogPickMeta): Block {
  const shown = incidents.slice(0, 100);
  const preview = meta.t.trim() ? `>${escapeText(cut(meta.t, 600)).replace(/\n/g, '\n>')}` : '_(no text)_';
  const files = meta.f?.length
    ? `\n:paperclip: ${meta.f.map((f) => escapeText(cut(f.n, 80))).join(', ')}`
    : '';
  const blocks: Block[] = [
    section(`${meta.a ? `<@${meta.a}> wrote:` : 'The message:'}\n${preview}${files}`),
    input(
      LOG_PICK_BLOCK.incident,
      'Incident',
      staticSelect(
        shown.map(incidentOption),
        shown.length === 1 ? shown[0]!.key : undefined,
        'Choose the incident',
      ),
    ),
    input(LOG_PICK_BLOCK.decision, 'Kind', checkboxes([option('This is a decision', 'decision')]), {
      optional: true,
    }),
    input(
      LOG_PICK_BLOCK.note,
      'Note (or the rationale of a decision)',
      textInput({ multiline: true, max: 1000 }),
      { optional: true },
    ),
  ];
  if (incidents.length > shown.length)
    blocks.push(context(`Only the first ${shown.length} open incidents are listed.`));
  return modal({
    callbackId: VIEW.logPick,
    title: 'Add to incident log',
    submit: 'Add',
    blocks,
    privateMetadata: encodeLogPickMeta(meta),
  });
}

const pickSchema = z.object({
  incident: z.string({ message: 'Choose the incident.' }).min(1, 'Choose the incident.'),
  decision: z.boolean(),
  note: z
    .string()
    .max(1000)
    .transform((s) => s.trim())
    .optional(),
});

export type LogPick = z.infer<typeof pickSchema>;

export function readLogPick(
  values: StateValues,
): { ok: true; value: LogPick } | { ok: false; errors: Record<string, string> } {
  const r = pickSchema.safeParse({
    incident: readText(values, LOG_PICK_BLOCK.incident),
    decision: readChecked(values, LOG_PICK_BLOCK.decision).includes('decision'),
    note: readText(values, LOG_PICK_BLOCK.note) ?? undefined,
  });
  if (r.success) return { ok: true, value: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const field = String(issue.path[0] ?? LOG_PICK_BLOCK.incident);
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
