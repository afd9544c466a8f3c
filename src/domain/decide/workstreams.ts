// Workstream leads: taking a workstream, naming or handing over its lead, releasing it; and the checklist
// item the playbook completes once every workstream has a lead (`workstreams.completes`).
//
// Who may do what, as with roles: any member may take a workstream nobody leads; naming someone else needs
// the incident commander (or the current lead, handing it over); taking one someone else leads needs the IC.
// A lead steps back themselves, or the IC releases them. The item is done by the bot when the last
// workstream gets a lead, and reopened when a lead is released with nobody named instead (a hand-over keeps
// it done): the log says why each time, so an auditor sees when the handbook's "named lead" held.
import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { isMember } from '../membership.js';
import type { Playbook, WorkstreamDef } from '../playbook.js';
import { allChecklistItems } from '../playbook.js';
import { command, mention, strong, userText } from '../text.js';
import {
  findWorkstream,
  leadOf,
  unledWorkstreams,
  type WorkstreamChange,
  workstreamDefs,
  workstreamsItem,
  workstreamsLedBy,
} from '../workstreams.js';
import {
  type DecideContext,
  type Decision,
  type Handler,
  isCommander,
  iso,
  log,
  notice,
  ok,
  post,
  ROOM,
  view,
} from './context.js';

/** Why the checklist item says "done": kept in its mark and in the log. */
export const ALL_LED = 'every workstream has a named lead';

function unknown(pb: Playbook, id: string): Decision {
  const defs = workstreamDefs(pb);
  if (!defs.length) return fail('invalid', 'This playbook names no workstreams.');
  return fail(
    'invalid',
    `There is no workstream "${userText(id).slice(0, 60)}". Workstreams: ${defs.map((w) => w.id).join(', ')}.`,
  );
}

export const leadWorkstream: Handler<'lead_workstream'> = (i, c, ctx) => {
  const def = findWorkstream(ctx.playbook, c.workstream);
  if (!def) return unknown(ctx.playbook, c.workstream);
  const me = ctx.actor.id;
  const user = c.user.trim();
  if (!user) return fail('invalid', 'Say who leads the workstream.');
  const current = leadOf(i, def.id);
  if (current === user) return fail('invalid', `${mention(user)} already leads ${def.name}.`);
  const ic = isCommander(i, me, ctx);
  let kind: WorkstreamChange['kind'];
  if (!current) {
    if (user !== me && !ic)
      return fail(
        'forbidden',
        `Only the incident commander can name someone else as lead of ${def.name}. You can take it yourself: ${command(`lead ${def.id}`)}.`,
      );
    kind = user === me ? 'take' : 'assign';
  } else {
    if (current !== me && !ic)
      return fail(
        'role_taken',
        `${mention(current)} leads ${def.name}: ask them, or the incident commander, to hand it to you (${command(`lead ${def.id} @you`)}).`,
      );
    kind = 'handover';
  }
  const wasMember = isMember(i, user, ctx);
  const r = change(i, ctx, def, kind, current, user);
  const effects = [...r.effects];
  // A lead named from outside the incident joins it (and its room, where the platform has one).
  if (!wasMember)
    effects.push({ type: 'message', key: `invite:${user}`, target: ROOM, body: { kind: 'invite', user } });
  effects.push(...loadWarnings(r.incident, ctx, user));
  return ok(r.incident, effects);
};

export const releaseWorkstream: Handler<'release_workstream'> = (i, c, ctx) => {
  const def = findWorkstream(ctx.playbook, c.workstream);
  if (!def) return unknown(ctx.playbook, c.workstream);
  const current = leadOf(i, def.id);
  if (!current) return fail('not_holder', `Nobody leads ${def.name}.`);
  if (current !== ctx.actor.id && !isCommander(i, ctx.actor.id, ctx))
    return fail(
      'forbidden',
      `Only the lead of ${def.name} (${mention(current)}) or the incident commander can release it.`,
    );
  const r = change(i, ctx, def, 'release', current, null);
  return ok(r.incident, r.effects);
};

/** The lead change itself, its log and post, and the checklist item done or reopened because of it. */
function change(
  i: Incident,
  ctx: DecideContext,
  def: WorkstreamDef,
  kind: WorkstreamChange['kind'],
  from: string | null,
  to: string | null,
): { incident: Incident; effects: Effect[] } {
  const at = iso(ctx.now);
  const leads = { ...(i.workstreams ?? {}) };
  if (to) leads[def.id] = to;
  else delete leads[def.id];
  const entry: WorkstreamChange = { at, workstream: def.id, kind, from, to, by: ctx.actor.id };
  let next: Incident = {
    ...i,
    workstreams: leads,
    workstreamHistory: [...(i.workstreamHistory ?? []), entry],
  };
  const effects: Effect[] = [log('workstream', { workstream: def.id, kind, from, to })];
  const item = itemEffect(next, ctx);
  if (item) {
    next = item.incident;
    effects.push(...item.effects);
  }
  const data = {
    workstream: def.id,
    kind,
    from,
    to,
    ...(item ? { item: item.state === 'done' ? 'done' : 'reopened' } : {}),
  };
  effects.push(view('summary'), post(`workstream:${def.id}`, ROOM, 'workstream_change', data));
  const said = notice(sentence(def, kind, from, to));
  effects.push(ctx.inRoom ? { ...said, shownInRoom: true } : said);
  return { incident: next, effects };
}

/** The playbook's item done when every workstream is led now, or reopened when one is no longer. */
function itemEffect(
  i: Incident,
  ctx: DecideContext,
): { incident: Incident; effects: Effect[]; state: 'done' | 'open' } | null {
  const id = workstreamsItem(ctx.playbook);
  const def = id ? allChecklistItems(ctx.playbook).find((x) => x.id === id) : undefined;
  if (!id || !def) return null;
  const mark = i.checklist[id];
  const unled = unledWorkstreams(i, ctx.playbook);
  if (!unled.length && mark?.state !== 'done') {
    const at = iso(ctx.now);
    return {
      state: 'done',
      incident: {
        ...i,
        checklist: { ...i.checklist, [id]: { state: 'done', by: ctx.actor.id, at, reason: ALL_LED } },
      },
      effects: [
        log('checklist', {
          item: id,
          text: def.text,
          state: 'done',
          reason: ALL_LED,
          leads: i.workstreams ?? {},
        }),
        view('checklist'),
      ],
    };
  }
  if (unled.length && mark?.state === 'done') {
    const { [id]: _, ...rest } = i.checklist;
    const reason = `no lead for ${unled.map((w) => w.name).join(', ')}`;
    return {
      state: 'open',
      incident: { ...i, checklist: rest },
      effects: [log('checklist', { item: id, text: def.text, state: 'open', reason }), view('checklist')],
    };
  }
  return null;
}

/** Leading a workstream on top of commanding, or several at once: said to the lead, as role overload is. */
function loadWarnings(i: Incident, ctx: DecideContext, user: string): Effect[] {
  const led = workstreamsLedBy(i, ctx.playbook, user).map((w) => findWorkstream(ctx.playbook, w)?.name ?? w);
  if (isCommander(i, user, { playbook: ctx.playbook }))
    return [
      notice(
        `Heads up: you are the incident commander and now lead ${led.join(', ')}. The handbook says to avoid overloading the incident commander; hand it over when someone is free.`,
        'warning',
        user,
      ),
    ];
  if (led.length >= 2) return [notice(`Heads up: you now lead ${led.join(' and ')}.`, 'warning', user)];
  return [];
}

function sentence(
  def: WorkstreamDef,
  kind: WorkstreamChange['kind'],
  from: string | null,
  to: string | null,
) {
  const name = strong(def.name);
  switch (kind) {
    case 'release':
      return `${mention(from ?? '')} no longer leads ${name}; it has no lead.`;
    case 'handover':
      return `${name} handed over from ${mention(from ?? '')} to ${mention(to ?? '')}.`;
    default:
      return `${mention(to ?? '')} now leads ${name}.`;
  }
}

/**
 * Ticking the workstreams' checklist item by hand: refused while a workstream has no lead (the bot ticks it
 * when the last one gets one), and unticking it when done is refused (releasing a lead reopens it). Null:
 * allowed.
 */
export function manualTickRefusal(i: Incident, pb: Playbook, item: string, tick: boolean): Decision | null {
  if (item !== workstreamsItem(pb)) return null;
  if (!tick && i.checklist[item]?.state !== 'done') return null; // a "not applicable" may be undone
  if (!tick)
    return fail(
      'invalid',
      'That item is ticked by the bot while every workstream has a lead; releasing a lead reopens it.',
    );
  const unled = unledWorkstreams(i, pb);
  if (!unled.length) return null;
  return fail(
    'invalid',
    `This item is ticked when every workstream has a named lead. No lead yet: ${unled.map((w) => w.name).join(', ')}. Take one with ${command('lead <workstream>')}, or name its lead with ${command('lead <workstream> @person')}.`,
  );
}
