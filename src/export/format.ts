// Shared by the renderers: UTC times, durations, names from the playbook, and a one-line summary
// of each decision-log entry (used by the Markdown timeline and the CSV).
import type { Incident } from '../domain/incident.js';
import type { Playbook, TemplateId } from '../domain/playbook.js';
import { workstreamName } from '../domain/workstreams.js';
import { actionEntryLine } from './action-entry.js';
import type { EntryActor, RecordEntry } from './incident-record.js';
import { pageEntryLine } from './page-entry.js';

/** `2026-11-26 10:05:00` (UTC, no zone suffix: the documents say once that times are UTC). */
export function utc(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');
}

/** `1h 05m`, `12m`, `45s`, `2d 3h 00m`. */
export function duration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = String(m % 60).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${mm}m`;
  if (h > 0) return `${h}h ${mm}m`;
  return `${m % 60}m`;
}

export const phaseName = (pb: Playbook, id: string): string => pb.phases.find((p) => p.id === id)?.name ?? id;
export const roleName = (pb: Playbook, id: string): string => pb.roles.find((r) => r.id === id)?.name ?? id;
export const triggerName = (pb: Playbook, id: string): string =>
  pb.triggers.find((t) => t.id === id)?.name ?? id;
export const templateName = (pb: Playbook, id: string): string =>
  pb.templates.find((t) => t.id === (id as TemplateId))?.name ?? id;

export function actorLabel(a: EntryActor | null | undefined): string {
  if (!a) return '';
  return a.name ? `${a.name} (${a.id})` : a.id;
}

export function severity(i: Incident, pb: Playbook): string {
  return i.severeImpact
    ? `Severe customer impact (status updates every ${pb.clocks.severeStatusUpdateMinutes} minutes)`
    : `Standard (status updates every ${pb.clocks.statusUpdateMinutes} minutes)`;
}

const str = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
const oneLine = (s: string): string => s.replace(/\s*\r?\n\s*/g, ' / ');

function criteriaText(pb: Playbook, phase: string, ids: string[]): string {
  const def = pb.phases.find((p) => p.id === phase);
  return ids.map((id) => def?.exitCriteria.find((c) => c.id === id)?.text ?? id).join('; ');
}

/** One line describing an entry, in plain text (renderers escape it for their format). */
export function summarize(e: RecordEntry, pb: Playbook): string {
  const p = e.payload;
  switch (e.kind) {
    case 'declared': {
      const flags = [
        triggerName(pb, str(p.triggerClass)),
        p.severeImpact ? 'severe impact' : 'standard severity',
      ];
      if (p.drill) flags.push('DRILL');
      const req = list(p.requiredRoles).map((r) => roleName(pb, r));
      return `Declared "${str(p.title)}" (${flags.join(', ')}); commander ${str(p.commander)}; required roles: ${req.join(', ')}`;
    }
    case 'role': {
      const role = roleName(pb, str(p.role));
      switch (p.kind) {
        case 'release':
          return `${str(p.from)} released the ${role} role`;
        case 'handover':
          return `${role} handed over from ${str(p.from)} to ${str(p.to)}`;
        case 'assign':
          return `${str(p.to)} assigned as ${role}`;
        default:
          return `${str(p.to)} claimed the ${role} role`;
      }
    }
    case 'overload':
      return `Overload warning: ${str(p.user)} holds ${list(p.roles)
        .map((r) => roleName(pb, r))
        .join(', ')}`;
    case 'checklist': {
      const state =
        p.state === 'done' ? 'done' : p.state === 'na' ? `not applicable: ${str(p.reason)}` : 'reopened';
      // done by the bot, or reopened, because of the workstreams' leads: the reason says so
      const why = p.state !== 'na' && p.reason ? `: ${str(p.reason)}` : '';
      return `Checklist (${state}${why}${p.action ? ` by the action ${str(p.action)}` : ''}): ${str(p.text)}`;
    }
    case 'workstream': {
      const ws = workstreamName(pb, str(p.workstream));
      switch (p.kind) {
        case 'release':
          return `${str(p.from)} no longer leads ${ws} (no lead)`;
        case 'handover':
          return `${ws} lead handed over from ${str(p.from)} to ${str(p.to)}`;
        case 'assign':
          return `${str(p.to)} named lead of ${ws}`;
        default:
          return `${str(p.to)} took the lead of ${ws}`;
      }
    }
    case 'communication': {
      const fields = (p.fields ?? {}) as Record<string, string>;
      const name = templateName(pb, str(p.template));
      if (p.template === 'status_update') return `${name} sent (status: ${fields.status ?? ''})`;
      if (p.template === 'closure_notice') return `${name} sent (resolved at ${fields.resolved_at ?? ''})`;
      if (p.template === 'recap') return `${name} sent: ${fields.summary ?? ''}`;
      return `${name} sent (${fields.system ?? ''})`;
    }
    case 'phase': {
      const from = phaseName(pb, str(p.from));
      const to = phaseName(pb, str(p.to));
      if (p.move === 'back') return `Phase moved back: ${from} -> ${to}; reason: ${str(p.reason)}`;
      if (p.move === 'stand_down') return `Phase: ${from} -> ${to} (stood down as a false alarm)`;
      const confirmed = list(p.confirmed);
      return confirmed.length
        ? `Phase: ${from} -> ${to}; confirmed: ${criteriaText(pb, str(p.from), confirmed)}`
        : `Phase: ${from} -> ${to}`;
    }
    case 'reclassified': {
      const f = (p.from ?? {}) as { triggerClass?: string; severeImpact?: boolean };
      const t = (p.to ?? {}) as { triggerClass?: string; severeImpact?: boolean };
      const cls = (x: typeof f) =>
        `${triggerName(pb, x.triggerClass ?? '')}, ${x.severeImpact ? 'severe impact' : 'standard severity'}`;
      return `Re-classified from ${cls(f)} to ${cls(t)}; reason: ${str(p.reason)}`;
    }
    case 'closed':
      return `Incident closed; review due on ${str(p.reviewDueOn)}, facilitator ${str(p.facilitator)}`;
    case 'stood_down':
      return `Stood down (false alarm) from ${phaseName(pb, str(p.from))}: ${str(p.reason)}`;
    case 'review':
      return `Post-incident review recorded: ${str(p.summary)}`;
    case 'note': {
      const by = p.author ? ` (written by ${str(p.author)})` : '';
      const note = p.note ? ` [${str(p.note)}]` : '';
      return `Note: ${str(p.text)}${note}${by}`;
    }
    case 'decision':
      return `Decision: ${str(p.text)}${p.rationale ? ` (rationale: ${str(p.rationale)})` : ''}`;
    case 'evidence':
      return `Evidence: ${str(p.name)}${fileFacts(p)}${p.link ? ` <${str(p.link)}>` : ''}`;
    case 'correction':
      return p.change === 'deleted'
        ? `Correction: logged message ${str(p.messageId)} was deleted at its source`
        : `Correction: logged message ${str(p.messageId)} was edited to: ${str(p.text)}`;
    case 'room':
      if (p.failed) {
        return `Room could not be created (${str(p.reason)})${p.fallbackRoomId ? `; using ${str(p.fallbackRoomId)} instead` : ''}`;
      }
      return `Room created: ${str(p.name)} (${str(p.roomId)})`;
    case 'snooze':
      return `Snoozed ${str(p.kind)} reminders until ${str(p.until)}`;
    case 'followup':
      if (p.event === 'filed')
        return `Follow-up ${str(p.id)} filed in ${str(p.tracker)} as ${str(p.issueKey)} <${str(p.url)}>`;
      if (p.event === 'filing_failed')
        return `Follow-up ${str(p.id)} could not be filed in ${str(p.tracker)}: ${str(p.reason)}`;
      if (p.event === 'status')
        return `Follow-up ${str(p.id)}: ${str(p.issueKey)} is ${str(p.status)} in ${str(p.tracker)}${p.state === 'done' ? ' (follow-up done)' : p.state === 'open' ? ' (follow-up reopened)' : ''}`;
      return p.state === 'done'
        ? `Follow-up ${str(p.id)} done`
        : `Follow-up ${str(p.id)} added: ${str(p.what)} (owner ${str(p.owner)}, due ${str(p.due)}, ${str(p.objective)})${p.acceptance ? `; accepted when: ${str(p.acceptance)}` : ''}`;
    case 'commitment':
      return p.state === 'open'
        ? `Commitment ${str(p.id)} made to stakeholders: ${str(p.what)} (due ${utc(str(p.due))})`
        : `Commitment ${str(p.id)} ${str(p.state)}${p.note ? `: ${str(p.note)}` : ''}`;
    case 'question':
      return p.state === 'answered'
        ? `Stakeholder question ${str(p.id)} answered: ${str(p.answer)}`
        : `Stakeholder question ${str(p.id)}${p.from ? ` from ${str(p.from)}` : ''}: ${str(p.text)}`;
    case 'action':
      return actionEntryLine(e);
    case 'page':
      return pageEntryLine(e);
    case 'alert':
      return p.kind === 'resolved'
        ? `Alert ${str(p.alert)} (${str(p.summary)}) resolved at ${utc(str(p.resolvedAt))} UTC`
        : p.kind === 'firing_again'
          ? `Alert ${str(p.alert)} firing again (after ${str(p.previous)}), added by the bot: ${str(p.summary)} (${str(p.source)}, since ${utc(str(p.startsAt))} UTC)`
          : `Alert ${str(p.alert)} added as evidence: ${str(p.summary)} (${str(p.source)}, ${str(p.status)} since ${utc(str(p.startsAt))} UTC)${p.link ? ` <${str(p.link)}>` : ''}`;
    case 'export':
      return `Record exported (${str(p.format)})`;
    case 'nudge':
      return `Reminder sent: ${str(p.kind)} (due ${str(p.dueAt)})`;
    case 'member': {
      const how: Record<string, string> = {
        acted_in_room: 'joined (acted in the room)',
        joined_room: 'joined the room',
        platform_lookup: 'is in the room (checked with the platform)',
      };
      if (p.kind === 'left') return `${str(p.user)} left the room`;
      if (p.kind === 'added') return `${str(p.user)} was added by ${str(p.by)}`;
      return `${str(p.user)} ${how[str(p.via)] ?? 'joined'}`;
    }
    case 'confidential':
      return p.confidential
        ? 'Made confidential: shown to its members only'
        : `Made visible to everyone again; reason: ${str(p.reason)}`;
    case 'debrief':
      return p.followup
        ? `Debrief invitation sent to ${list(p.invited).join(', ')} (owner of follow-up ${str(p.followup)})`
        : `Debrief scheduled for ${str(p.at).slice(0, 16).replace('T', ' ')} UTC (${str(p.minutes)} minutes); invited: ${list(p.invited).join(', ')}`;
    case 'clock':
      return `Drill clock moved forward ${str(p.minutes)} minutes, from ${str(p.from)} to ${str(p.to)} (local console)`;
    case 'audit_ledger':
      return `Audit ledger started (${str(p.entriesBefore)} entries before, verified)`;
    case 'state_changed':
      return `State changed (version ${str(p.version)})`;
    case 'message_sent':
      if (p.failed) return `Message ${str(p.outboxKey)} could not be delivered: ${str(p.error)}`;
      if (p.skipped) return `Message not sent: ${str(p.template)} (${str(p.outboxKey)}): ${str(p.skipped)}`;
      return `Message delivered: ${str(p.template)} (${str(p.outboxKey)})`;
    default:
      return `${e.kind}: ${canonicalish(p)}`;
  }
}

function canonicalish(p: Record<string, unknown>): string {
  return Object.keys(p)
    .sort()
    .map((k) => `${k}=${str(p[k])}`)
    .join(', ');
}

/** The summary on one line (multi-line user text joined with " / "). */
export function summaryLine(e: RecordEntry, pb: Playbook): string {
  return oneLine(summarize(e, pb));
}

/** Entries in time order (`at`, then chain order): a logged message keeps its original time. */
export function byTime(entries: RecordEntry[]): RecordEntry[] {
  return [...entries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
}

/** A downloaded evidence file's size and SHA-256, when the bot fingerprinted it (Teams files). */
export function fileFacts(p: Record<string, unknown>): string {
  if (typeof p.sha256 !== 'string') return '';
  const size = typeof p.size === 'number' ? `${p.size} bytes, ` : '';
  return ` (${size}SHA-256 ${p.sha256})`;
}
