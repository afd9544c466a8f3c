// `/incident <verb> ...`: declare/help/list anywhere; the other verbs in an incident's channel.
// Answers that need no Slack call go back in the ack (ephemeral); modals open with the trigger id at once.
import type { SlashCommand } from '@slack/bolt';
import { parseIncidentCommand, resolveRole, scopeOf } from '../../../app/intents.js';
import { helpText, notInIncidentChannel, unknownVerb, usage } from '../../../app/verbs.js';
import type { Command } from '../../../domain/commands.js';
import { cleanText } from '../../../domain/forms.js';
import type { Incident } from '../../../domain/incident.js';
import { holders } from '../../../domain/incident.js';
import type { Playbook } from '../../../domain/playbook.js';
import { allChecklistItems, findPhase, findRole, findTrigger } from '../../../domain/playbook.js';
import { openRequiredRoles } from '../../../domain/roles.js';
import { SLASH_COMMAND } from '../ids.js';
import { nextStatusUpdateDue } from '../render/common.js';
import { cut, escapeText } from '../render/modals/kit.js';
import {
  actorOf,
  age,
  failureAnswer,
  incidentInChannel,
  isDatabaseBusy,
  noticesFor,
  runCommand,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  SOMETHING_WENT_WRONG,
  slackDate,
  slashKey,
  tell,
} from './common.js';
import { NOT_TO_STAKEHOLDERS } from './communication-views.js';
import { openDeclareModal } from './declare-view.js';
import { buildModal, type ModalKind, openView } from './open-modal.js';
import { isRecordIntent, recordVerb } from './record-commands.js';

const MAX_ANSWER = 3500;
/** Longest `/incident log` or `decision` text accepted (Slack's recommended message size). */
export const MAX_LOG_TEXT = 4000;

function drill(i: Incident): string {
  return i.drill ? '[DRILL] ' : '';
}

function roomRef(i: Incident): string {
  return i.room?.id ? `<#${i.room.id}>` : 'no channel yet';
}

/** Open incidents: key, title, phase, IC, age, channel. */
export function listText(incidents: Incident[], pbFor: (i: Incident) => Playbook, now: Date): string {
  if (incidents.length === 0) return 'No open incidents. `/incident declare` starts one.';
  const shown = incidents.slice(0, 25);
  const lines = shown.map((i) => {
    const pb = pbFor(i);
    const ic = holders(i, pb.commanderRole)[0];
    const phase = findPhase(pb, i.phase)?.name ?? i.phase;
    return `• ${drill(i)}*${escapeText(i.key)}* ${escapeText(cut(i.title, 100))}: ${escapeText(phase)}, IC ${ic ? `<@${ic}>` : 'none'}, ${age(i.declaredAt, now)} old, ${roomRef(i)}`;
  });
  if (incidents.length > shown.length) lines.push(`…and ${incidents.length - shown.length} more.`);
  return cut(`*Open incidents (${incidents.length})*\n${lines.join('\n')}`, MAX_ANSWER);
}

/** One incident: phase, classification, roles, communications. */
export function statusText(i: Incident, pb: Playbook, now: Date): string {
  const phase = findPhase(pb, i.phase);
  const trigger = findTrigger(pb, i.triggerClass);
  const roles = pb.roles
    .filter((r) => holders(i, r.id).length)
    .map(
      (r) =>
        `${escapeText(r.name)}: ${holders(i, r.id)
          .map((u) => `<@${u}>`)
          .join(', ')}`,
    );
  const open = openRequiredRoles(i, pb).map((r) => escapeText(findRole(pb, r)?.name ?? r));
  const lines = [
    `${drill(i)}*${escapeText(i.key)}* ${escapeText(i.title)}`,
    `Phase: *${escapeText(phase?.name ?? i.phase)}*${i.closedAt ? ` (closed ${slackDate(i.closedAt)})` : ''}`,
    `Trigger: ${escapeText(trigger?.name ?? i.triggerClass)}${i.severeImpact ? ', severe customer impact' : ''}`,
    `Declared ${slackDate(i.declaredAt)} (${age(i.declaredAt, now)} ago) by <@${i.declaredBy}>`,
    `Impact: ${escapeText(cut(i.impact, 500))}`,
    `Roles: ${roles.join('; ') || 'none'}${open.length ? `\nStill needed: ${open.join(', ')}` : ''}`,
    `Initial alert: ${i.initialAlertAt ? `sent ${slackDate(i.initialAlertAt)}` : 'not sent yet (`/incident alert`)'}`,
    `Last status update: ${i.lastStatusUpdateAt ? slackDate(i.lastStatusUpdateAt) : 'none yet (`/incident update`)'}`,
  ];
  const items = allChecklistItems(pb);
  const ticked = items.filter((it) => i.checklist[it.id]).length;
  lines.push(`Golden-hour checklist: ${ticked}/${items.length} done or not applicable`);
  if (!i.closedAt)
    lines.push(`Next status update due: ${slackDate(nextStatusUpdateDue(i, pb).toISOString())}`);
  lines.push(
    `Playbook: ${escapeText(pb.title)} v${escapeText(i.playbook.version)} (sha256 ${i.playbook.sha256.slice(0, 12)})`,
  );
  if (i.reviewDueOn)
    lines.push(
      `Review due: ${i.reviewDueOn}${i.reviewFacilitator ? `, facilitator <@${i.reviewFacilitator}>` : ''}`,
    );
  return cut(lines.join('\n'), MAX_ANSWER);
}

type Answer = string | null;

async function runVerb(
  ctx: SlackContext,
  client: SlackClient,
  c: SlashCommand,
): Promise<{ text: Answer; later?: () => Promise<void> }> {
  const intent = parseIncidentCommand(c.text ?? '');
  const cmd = c.command || SLASH_COMMAND;
  const now = ctx.service.now();
  switch (intent.verb) {
    case 'help':
      return { text: helpText(cmd) };
    case 'unknown':
      return { text: unknownVerb(intent.word, cmd) };
    case 'usage':
      return { text: `${intent.problem} Usage: ${usage(intent.of, cmd)}` };
    case 'list':
      return { text: listText(ctx.service.store.listOpen(), (i) => ctx.service.playbookFor(i), now) };
    case 'declare':
      return {
        text: null,
        later: () =>
          openDeclareModal(ctx, client, {
            triggerId: c.trigger_id,
            channelId: c.channel_id,
            userId: c.user_id,
            ...(intent.title ? { title: intent.title } : {}),
          }),
      };
    default:
      break;
  }
  if (scopeOf(intent.verb) !== 'incident') return { text: unknownVerb(intent.verb, cmd) };
  const incident = incidentInChannel(ctx, c.channel_id);
  if (!incident) return { text: notInIncidentChannel(intent.verb, cmd) };
  const pb = ctx.service.playbookFor(incident);
  const actor = actorOf(ctx, c.user_id, c.user_name);
  if (isRecordIntent(intent)) return recordVerb(ctx, client, c, incident, intent, actor);
  switch (intent.verb) {
    case 'status':
      return { text: statusText(incident, pb, now) };
    case 'alert':
    case 'update':
    case 'phase':
    case 'reclassify':
    case 'close': {
      // The modal must open now (trigger ids expire after 3 s); a refusal is the ack's text.
      const kind: ModalKind = intent.verb;
      const built = buildModal(ctx, {
        kind,
        incident,
        triggerId: c.trigger_id,
        channelId: c.channel_id,
        userId: c.user_id,
        userName: c.user_name,
      });
      if ('refusal' in built) return { text: built.refusal };
      return {
        text: null,
        later: async () => {
          const refusal = await openView(ctx, client, c.trigger_id, built.view);
          if (refusal) await tell(ctx, client, c.channel_id, c.user_id, refusal);
        },
      };
    }
    case 'role':
    case 'standdown':
    case 'log': {
      let command: Command;
      if (intent.verb === 'standdown') {
        const reason = cleanText(intent.reason);
        if (reason.length > MAX_LOG_TEXT)
          return { text: `That reason is too long (${reason.length} characters; at most ${MAX_LOG_TEXT}).` };
        command = { type: 'stand_down', reason };
      } else if (intent.verb === 'role') {
        const role = resolveRole(pb, intent.role);
        if (!role) {
          const names = pb.roles.map((r) => `\`${r.id}\` (${escapeText(r.name)})`).join(', ');
          return { text: `There is no role "${escapeText(cut(intent.role, 60))}". Roles: ${names}.` };
        }
        command =
          intent.user && intent.user !== actor.id
            ? { type: 'assign_role', role, user: intent.user }
            : { type: 'claim_role', role };
      } else {
        // Control characters are dropped (as in the forms); an over-long entry is refused, not truncated.
        const text = cleanText(intent.text);
        if (text.length > MAX_LOG_TEXT)
          return {
            text: `That is too long for one log entry (${text.length} characters; at most ${MAX_LOG_TEXT}). Nothing was logged: split it up, or attach it as a file and log the message with the shortcut.`,
          };
        command = { type: intent.verb, text };
      }
      const outcome = runCommand(ctx, {
        key: slashKey(c.team_id, c.trigger_id),
        incidentKey: incident.key,
        command,
        actor,
      });
      let text = await noticesFor(ctx, client, outcome, actor.id, c.channel_id);
      if (command.type === 'stand_down' && outcome.ok && !outcome.replay && !ctx.stakeholderChannel)
        text = `${text}\n${NOT_TO_STAKEHOLDERS}`;
      return { text: text || (outcome.ok ? 'Done.' : SOMETHING_WENT_WRONG) };
    }
  }
  return { text: helpText(cmd) };
}

export const slashCommand: SlackFeature = {
  name: 'slash-command',
  commands: [SLASH_COMMAND],
  register(app, ctx) {
    app.command(SLASH_COMMAND, async ({ ack, command, client }) => {
      // Slack may deliver a command twice (retries): the second delivery is acknowledged and ignored.
      let first: boolean;
      try {
        first = ctx.outbox.firstSighting(
          `slack:slash:${command.team_id}:${command.trigger_id}`,
          ctx.service.now(),
        );
      } catch (e) {
        // Never leave Slack without an ack (it would show "dispatch_failed"): say what happened.
        const busy = isDatabaseBusy(e);
        ctx.log[busy ? 'warn' : 'error']({ err: e }, 'slash command not recorded');
        await ack({ response_type: 'ephemeral', text: failureAnswer(e) });
        return;
      }
      if (!first) {
        await ack();
        return;
      }
      let result: { text: Answer; later?: () => Promise<void> };
      try {
        result = await runVerb(ctx, client, command);
      } catch (e) {
        ctx.log.error({ err: e, text: command.text }, 'slash command failed');
        result = { text: SOMETHING_WENT_WRONG };
      }
      if (result.text) await ack({ response_type: 'ephemeral', text: result.text });
      else await ack();
      if (result.later) await result.later();
    });
  },
};
