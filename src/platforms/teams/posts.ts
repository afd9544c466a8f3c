/**
 * The posts the core asks for (`{ kind: 'post', template, data }`), rendered for Teams as a card plus a
 * plain `text` (notification / fallback). DRILL incidents say DRILL in every message.
 */
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { PostTemplate } from '../../domain/effects.js';
import { renderSubject, renderTemplateLines } from '../../domain/forms.js';
import type { Incident } from '../../domain/incident.js';
import { describeNudge, type NudgePayload } from '../../domain/nudge-text.js';
import type { Playbook, TemplateId } from '../../domain/playbook.js';
import { findPhase, findRole, findTemplate, findTrigger } from '../../domain/playbook.js';
import { activityText, cardText, utcStamp } from './escape.js';
import { execute, type NameOf, openDialog, textCard, VERB } from './incident-cards.js';

export interface TeamsPost {
  /** Plain notification text (already escaped for Teams' HTML-ish text). */
  text: string;
  card: IAdaptiveCard;
}

const s = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);

/** Snooze buttons on reminders, in minutes. */
export const SNOOZE_MINUTES = [15, 30] as const;

/** Slack-flavoured wording (`/incident review`) for Teams, where the verbs are typed after a mention. */
const teamsWording = (t: string) => t.replace(/\/incident /g, 'incident ');

export function renderPost(
  template: PostTemplate,
  data: Record<string, unknown>,
  i: Incident,
  pb: Playbook,
  nameOf: NameOf,
): TeamsPost {
  const drill = i.drill ? 'DRILL: ' : '';
  const head = `${drill}${i.key}`;
  const name = (id: unknown) => cardText(nameOf(s(id)) ?? (id ? 'someone' : 'nobody'), 80);
  const plainName = (id: unknown) => nameOf(s(id)) ?? (id ? 'someone' : 'nobody');
  const roleName = (id: unknown) => findRole(pb, s(id))?.name ?? s(id);
  const phaseName = (id: unknown) => findPhase(pb, s(id))?.name ?? s(id);
  // biome-ignore lint/suspicious/noExplicitAny: Adaptive Card actions are free-form JSON
  const make = (heading: string, lines: string[], textLine: string, actions: any[] = []): TeamsPost => ({
    text: activityText(`${head}: ${textLine}`, 3000),
    card: textCard(heading, lines, actions, { drill: i.drill }),
  });

  switch (template) {
    case 'announcement': {
      const trigger = findTrigger(pb, i.triggerClass);
      const ic = i.roles[pb.commanderRole]?.[0];
      return make(
        `${head} declared: ${cardText(i.title, 200)}`,
        [
          `**Trigger:** ${cardText(trigger?.name ?? i.triggerClass, 200)}${i.severeImpact ? ' (severe customer impact)' : ''}`,
          `**Impact:** ${cardText(i.impact, 1500)}`,
          `**Incident commander:** ${name(ic)}`,
          `**Declared:** ${utcStamp(i.declaredAt)}`,
          ...(i.room?.link ? [`[Open the incident thread](${i.room.link})`] : []),
        ],
        `declared: ${i.title}`,
      );
    }
    case 'role_change':
      return make(
        `${head}: ${cardText(roleName(data.role), 100)}`,
        [
          data.kind === 'handover'
            ? `Handed over from ${name(data.from)} to ${name(data.to)}.`
            : `${name(data.to)} is now ${cardText(roleName(data.role), 100)}.`,
        ],
        `${plainName(data.to)} is now ${roleName(data.role)}`,
      );
    case 'role_brief':
      return make(
        `${head}: you are ${cardText(roleName(data.role), 100)}`,
        [cardText(s(data.description), 1500), `Incident: ${cardText(i.title, 200)}`],
        `you are ${roleName(data.role)}`,
      );
    case 'overload':
      return make(
        `${head}: role overload`,
        ['One person holds too many roles; hand one over when someone is free.'],
        'role overload',
      );
    case 'communication': {
      const id = s(data.template) as TemplateId;
      const def = findTemplate(pb, id);
      const fields = Object.fromEntries(
        Object.entries((data.fields ?? {}) as Record<string, string>).map(([k, v]) => [
          k,
          cardText(s(v), 2000),
        ]),
      );
      const subject = renderSubject(def, (data.fields ?? {}) as Record<string, string>);
      const heading = `${head}: ${cardText(subject ?? def.name, 200)}`;
      return make(heading, renderTemplateLines(def, fields), subject ?? def.name);
    }
    case 'phase_changed':
      return make(
        `${head}: now in ${cardText(phaseName(data.to), 100)}`,
        [
          data.move === 'back'
            ? `Moved back from ${cardText(phaseName(data.from), 100)}: ${cardText(s(data.reason), 500)}`
            : `Moved on from ${cardText(phaseName(data.from), 100)}; exit criteria confirmed.`,
        ],
        `now in ${phaseName(data.to)}`,
      );
    case 'reclassified': {
      const to = (data.to ?? {}) as { triggerClass?: string; severeImpact?: boolean };
      return make(
        `${head}: re-classified`,
        [
          `Trigger: ${cardText(findTrigger(pb, s(to.triggerClass))?.name ?? s(to.triggerClass), 200)}; severe impact: ${to.severeImpact ? 'yes' : 'no'}`,
          `Reason: ${cardText(s(data.reason), 500)}`,
        ],
        're-classified',
      );
    }
    case 'closed':
      return make(
        `${head} closed`,
        [
          `Post-incident review due on ${cardText(s(data.reviewDueOn), 40)}, facilitated by ${name(data.facilitator)}.`,
        ],
        'closed',
      );
    case 'stood_down':
      return make(
        `${head} stood down: false alarm`,
        [
          `Incident: ${cardText(i.title, 300)}`,
          `Why: ${cardText(s(data.reason), 1000)}`,
          i.standDown?.by ? `Stood down by ${name(i.standDown.by)}, ${utcStamp(i.standDown.at)}.` : '',
          data.reviewDueOn
            ? `Post-incident review due on ${cardText(s(data.reviewDueOn), 40)}.`
            : 'No post-incident review is owed; the record stays in the log.',
        ].filter(Boolean),
        'stood down: false alarm',
      );
    case 'review_recorded': {
      const r = i.review;
      return make(
        `${head}: review recorded`,
        [
          'The post-incident review is in the record.',
          ...(r?.correctiveActions ? [`**Corrective actions:** ${cardText(r.correctiveActions, 1500)}`] : []),
          ...(r?.verificationPlan ? [`**Verification plans:** ${cardText(r.verificationPlan, 1500)}`] : []),
          ...(r?.noFollowups && i.followups.length === 0 ? ['No follow-up tasks are needed.'] : []),
        ],
        'review recorded',
      );
    }
    case 'room_fallback':
      return make(
        `${head}: working here`,
        [
          `The incident thread could not be created (${cardText(s(data.reason), 300)}); this conversation is the incident room.`,
        ],
        'working in this conversation',
      );
    case 'followup': {
      const f = i.followups.find((x) => x.id === s(data.id));
      if (!f)
        return make(
          `${head}: follow-up ${cardText(s(data.id), 60)}`,
          [`Follow-up ${cardText(s(data.id), 60)} is ${cardText(s(data.state), 20)}.`],
          `follow-up ${s(data.id)}`,
        );
      return make(
        `${head}: follow-up (${cardText(f.objective, 20)})`,
        [cardText(f.what, 1500), `Owner ${name(f.owner)} · due ${cardText(f.due, 20)}`],
        `follow-up for ${plainName(f.owner)}: ${f.what}`,
        f.state === 'open'
          ? [execute(VERB.followupDone, 'Mark done', { incidentKey: i.key, id: f.id }, 'positive')]
          : [],
      );
    }
    case 'nudge': {
      const v = describeNudge(data as unknown as NudgePayload);
      const who = v.mention.map((u) => name(u)).join(', ');
      const plainWho = v.mention.map((u) => plainName(u)).join(', ');
      const headline = teamsWording(v.headline);
      // owners in the checklist lines are `@<user id>`: show names
      const lines = v.lines.map((l) =>
        cardText(
          l.replace(/(^|\s)@([\w:-]+)/g, (_m, sp: string, id: string) => `${sp}@${plainName(id)}`),
          300,
        ),
      );
      const actions = [];
      if (v.actions.includes('status_update'))
        actions.push(openDialog('update', 'Post status update', i.key));
      if (v.actions.includes('initial_alert')) actions.push(openDialog('alert', 'Send initial alert', i.key));
      if (v.actions.includes('review')) actions.push(openDialog('review', 'Record review', i.key));
      // `due`: the instant this reminder fell due, so a click on an old reminder's button is recognised
      // (the handler answers "already snoozed" instead of snoozing again)
      const due = s(data.dueAt);
      if (v.actions.includes('snooze'))
        for (const minutes of SNOOZE_MINUTES)
          actions.push(
            execute(VERB.snooze, `Snooze ${minutes} min`, {
              incidentKey: i.key,
              snoozeKind: v.snoozeKind,
              minutes,
              ...(due ? { due } : {}),
            }),
          );
      return make(
        `${head}: ${v.escalation ? 'reminder (escalated)' : 'reminder'}`,
        [`🔔 ${who ? `${who}: ` : ''}${cardText(headline, 1500)}`, ...lines.map((l) => `• ${l}`)],
        `${plainWho ? `${plainWho}: ` : ''}${headline}`,
        actions,
      );
    }
    case 'export':
      return make(
        `${head}: export`,
        [
          `The incident record was exported (${cardText(s(data.format), 20)}). The full review document and timeline: \`incident-bot export ${i.key}\` on the bot's host.`,
        ],
        'export',
      );
    default:
      return make(`${head}: update`, [cardText(s(template), 100)], 'update');
  }
}
