// Follow-up actions: the modal (what, owner, due date, control objective) and the ephemeral list with
// a "Mark done" button per open follow-up.
import { z } from 'zod';
import type { FollowUp, Incident } from '../../../../domain/incident.js';
import { ACTION, VIEW } from '../../ids.js';
import {
  type Block,
  context,
  cut,
  encodeMeta,
  escapeText,
  input,
  modal,
  option,
  plain,
  readText,
  readUser,
  type StateValues,
  section,
  staticSelect,
  textInput,
  usersSelect,
} from './kit.js';

export const FOLLOWUP_BLOCK = { what: 'what', owner: 'owner', due: 'due', objective: 'objective' } as const;

export const OBJECTIVES = ['risk', 'compliance', 'resilience'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export const OBJECTIVE_NAMES: Record<Objective, string> = {
  risk: 'Risk',
  compliance: 'Compliance',
  resilience: 'Resilience',
};

/** `YYYY-MM-DD` of `d` plus `days`, in UTC. */
export function isoDay(d: Date, days = 0): string {
  return new Date(d.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export function followupModal(i: Incident, o: { channelId: string; userId: string; now: Date }): Block {
  return modal({
    callbackId: VIEW.followup,
    title: 'Follow-up action',
    submit: 'Add',
    privateMetadata: encodeMeta({ k: i.key, c: o.channelId }),
    blocks: [
      section(`${i.drill ? '*DRILL* ' : ''}*${escapeText(i.key)}*: ${escapeText(cut(i.title, 200))}`),
      input(FOLLOWUP_BLOCK.what, 'What needs doing', textInput({ multiline: true, max: 1000 })),
      input(FOLLOWUP_BLOCK.owner, 'Owner', usersSelect(o.userId, 'Who owns it')),
      input(FOLLOWUP_BLOCK.due, 'Due', {
        type: 'datepicker',
        action_id: 'value',
        initial_date: isoDay(o.now, 14),
        placeholder: plain('Pick a date', 150),
      }),
      input(
        FOLLOWUP_BLOCK.objective,
        'Control objective',
        staticSelect(
          OBJECTIVES.map((x) => option(OBJECTIVE_NAMES[x], x)),
          undefined,
          'Which control objective it serves',
        ),
      ),
    ],
  });
}

const followupSchema = z.object({
  what: z
    .string({ message: 'Say what needs doing.' })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'Say what needs doing.').max(1000)),
  owner: z.string({ message: 'Choose the owner.' }).regex(/^[UW][A-Z0-9]+$/, 'Choose the owner.'),
  due: z
    .string({ message: 'Pick the due date.' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick the due date.')
    .refine((s) => !Number.isNaN(Date.parse(s)), 'Pick the due date.'),
  objective: z.enum(OBJECTIVES, { message: 'Choose a control objective.' }),
});

export type FollowupForm = z.infer<typeof followupSchema>;

export function readFollowup(
  values: StateValues,
): { ok: true; value: FollowupForm } | { ok: false; errors: Record<string, string> } {
  const r = followupSchema.safeParse({
    what: readText(values, FOLLOWUP_BLOCK.what),
    owner: readUser(values, FOLLOWUP_BLOCK.owner),
    due: readText(values, FOLLOWUP_BLOCK.due),
    objective: readText(values, FOLLOWUP_BLOCK.objective),
  });
  if (r.success) return { ok: true, value: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) errors[String(issue.path[0] ?? FOLLOWUP_BLOCK.what)] ??= issue.message;
  return { ok: false, errors };
}

/** Button value: `{incidentKey}:{followupId}`. */
export function followupDoneValue(incidentKey: string, id: string): string {
  return `${incidentKey}:${id}`;
}

/** `{incidentKey}:{followupId}`, or a bare follow-up id (the follow-up post's button). */
export function parseFollowupDoneValue(
  v: string | undefined,
): { incidentKey: string | null; id: string } | null {
  if (!v) return null;
  const at = v.lastIndexOf(':');
  if (at < 0) return v ? { incidentKey: null, id: v } : null;
  const id = v.slice(at + 1);
  return id ? { incidentKey: v.slice(0, at) || null, id } : null;
}

const MAX_LISTED = 20;

function followupLine(f: FollowUp): string {
  const mark = f.state === 'done' ? ':white_check_mark:' : ':pushpin:';
  const state =
    f.state === 'done'
      ? `done${f.doneAt ? ` ${f.doneAt.slice(0, 10)}` : ''}`
      : `open, due ${escapeText(f.due)}`;
  return `${mark} *${escapeText(cut(f.what, 300))}*\n<@${f.owner}> · ${OBJECTIVE_NAMES[f.objective] ?? escapeText(f.objective)} · ${state}`;
}

/** The ephemeral list: one section per follow-up, open ones with a "Mark done" button. */
export function followupList(i: Incident): { text: string; blocks: Block[] } {
  const drill = i.drill ? '[DRILL] ' : '';
  if (i.followups.length === 0) {
    const text = `${drill}${i.key} has no follow-ups yet. \`/incident followup\` adds one.`;
    return { text, blocks: [section(escapeText(text))] };
  }
  const open = i.followups.filter((f) => f.state === 'open').length;
  const head = `${drill}${i.key}: ${i.followups.length} follow-up${i.followups.length === 1 ? '' : 's'}, ${open} open`;
  const blocks: Block[] = [section(`*${escapeText(head)}*`)];
  // Open first, then done; at most MAX_LISTED (keeps the message far under 50 blocks).
  const sorted = [...i.followups].sort((a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1));
  for (const f of sorted.slice(0, MAX_LISTED)) {
    const b = section(followupLine(f), `followup:${f.id}`);
    if (f.state === 'open') {
      b.accessory = {
        type: 'button',
        action_id: ACTION.followupDone,
        text: plain('Mark done', 75),
        value: followupDoneValue(i.key, f.id),
        style: 'primary',
      };
    }
    blocks.push(b);
  }
  if (sorted.length > MAX_LISTED) blocks.push(context(`…and ${sorted.length - MAX_LISTED} more.`));
  return { text: head, blocks };
}
