// `@bot incident <verb>` in a channel, a thread or a chat: the message is read into neutral text (people
// @mentioned become mention tokens of their AAD ids) and answered by the application layer. Teams has no
// ephemeral messages: answers are replies, forms and lists are cards.
import type { App } from '@microsoft/teams.apps';
import { claimDelivery, deliveredTextCommand, handledBefore } from '../../../app/inbound.js';
import { exportFiles, recordExport } from '../../../app/record.js';
import type { Actor, Incident } from '../../../domain/incident.js';
import { userText } from '../../../domain/text.js';
import { actorOf, incidentFor, type Json, type TeamsContext } from '../context.js';
import { commandText, type Mentioned } from '../parse/text.js';
import { channelOf } from '../refs.js';
import { cardMessage, textCard } from '../render/card-kit.js';
import { cardText } from '../render/escape.js';
import { helpCard, listCard } from '../render/lists.js';
import { activityOf } from '../render/text.js';
import { cardAction } from './card-actions.js';
import { captureSharedFiles, sharedFiles } from './evidence-files.js';
import { renderForm } from './forms.js';

/** A mentioned person's id as actors carry it (AAD object id), from what the bot knows or the connector. */
async function resolveUser(
  ctx: TeamsContext,
  m: Mentioned,
  conversationId: string | undefined,
  c: Json,
): Promise<string> {
  const known = ctx.refs.user(m.id);
  if (known) return known.userId;
  const now = ctx.app.now();
  try {
    const member = await c.api.conversations.members(channelOf(conversationId ?? '')).getById(m.id);
    const id = member?.aadObjectId ?? m.id;
    ctx.refs.rememberUser({ userId: id, name: member?.name ?? m.name, platformId: m.id }, now);
    return id;
  } catch {
    ctx.refs.rememberUser({ userId: m.id, name: m.name, platformId: m.id }, now);
    return m.id;
  }
}

/**
 * `incident export`: the review document is rendered (the same Markdown as the CLI and Slack) and summarised
 * in a card; a bot cannot put a file in a channel without Microsoft Graph, so the card says where the full
 * document comes from. The export is recorded.
 */
async function exportMessage(
  ctx: TeamsContext,
  incident: Incident,
  actor: Actor,
  key: string,
  roomId?: string,
  sighting?: string,
) {
  const rendered = await exportFiles(ctx.app, incident);
  if (!rendered.ok) return { type: 'message' as const, text: activityOf(rendered.text, ctx.nameOf) };
  const req = { actor, key, ...(roomId ? { roomId } : {}), ...(sighting ? { sighting } : {}) };
  const a = recordExport(ctx.app, req, incident);
  if (!a.ok) return { type: 'message' as const, text: activityOf(a.text, ctx.nameOf, 1000) };
  const i = ctx.app.incident(incident.key) ?? incident;
  const { markdown, svg } = rendered.files;
  const open = i.followups.filter((f) => f.state === 'open').length;
  const lines = [
    i.review
      ? `**Review summary:** ${cardText(i.review.summary, 1500)}`
      : 'No post-incident review is recorded yet ("incident review").',
    ...(i.review?.lessons ? [`**Lessons learned:** ${cardText(i.review.lessons, 1000)}`] : []),
    `**Follow-ups:** ${i.followups.length} (${open} open) · **Log entries:** ${ctx.app.logEntries(i.key).length}`,
    channelFiles(ctx, i)
      ? `The review document (${markdown.name}), the phase timeline (${svg.name}) and the timeline CSV are being uploaded to this channel's Files; a card links them once they are there.`
      : `Teams bots cannot attach files to a channel without Microsoft Graph, so the document is not attached. The full review document (${markdown.name}, ${markdown.content.length} characters) and the phase timeline (${svg.name}): run "incident-bot export ${i.key} --format md" on the bot's host.`,
    `**Start of the document:**\n\n${cardText(markdown.content.split('\n').slice(0, 30).join('\n'), 2500)}`,
  ];
  return cardMessage(
    textCard(`${i.drill ? '[DRILL] ' : ''}${i.key}: review document`, lines, [], { drill: i.drill }),
    activityOf(`${i.key}: review document exported`, ctx.nameOf, 200),
  );
}

/** Channel mode with the incident in its own channel: the export's files go to the channel's Files. */
function channelFiles(ctx: TeamsContext, i: Incident): boolean {
  return Boolean(ctx.files?.graph && i.room && !i.room.fallback && !i.room.id.includes(';messageid='));
}

export function registerMessages(teams: App, ctx: TeamsContext): void {
  teams.on('message', async (c) => {
    const a = c.activity as Json;
    if (a.value && !a.text) {
      // Action.Submit fallback of an Action.Execute (clients without Universal Actions)
      const r = await cardAction(ctx, a);
      if ('value' in r && r.type === 'application/vnd.microsoft.card.adaptive')
        await c.send(cardMessage(r.value as never));
      return;
    }
    // Inbound de-duplication (app/inbound.ts): a message whose command is recorded is dropped; its sighting
    // is recorded with what it records (a command: in the command's transaction). One recorded when handling
    // then failed (an exception after a form or list was claimed) is forgotten, so the redelivery is handled.
    const key = `teams:${a.id}`;
    const sighting = a.id ? `teams:msg:${a.id}` : undefined;
    if (sighting && handledBefore(ctx.app, { sighting, key })) return;
    let failed = false;
    try {
      const actor = actorOf(a);
      const conversationId: string | undefined = a.conversation?.id; // a malformed activity may have none
      const send = async (activity: Parameters<typeof c.send>[0]) => {
        try {
          await c.send(activity);
        } catch (e) {
          // the command itself is stored; only the answer was lost (the outbox carries everything else)
          ctx.log.warn(
            { err: e instanceof Error ? e.message : String(e) },
            'teams: could not answer in the conversation',
          );
        }
      };
      const text = (await commandText(a, (m) => resolveUser(ctx, m, conversationId, c))).replace(
        /^incident\b\s*/i,
        '',
      );
      // files shared in an incident's room are its evidence; a message that is only files asks nothing more
      const shared = sharedFiles(a);
      const room = shared.length ? incidentFor(ctx, conversationId) : null;
      if (room) {
        const tell = await captureSharedFiles(ctx, a, room, shared);
        // only files: each is filed under its own key, so the message is claimed once they are recorded
        if (!text && sighting && !claimDelivery(ctx.app, sighting)) return;
        if (tell.length)
          await send({ type: 'message', text: activityOf(userText(tell.join('\n\n')), ctx.nameOf, 2000) });
        if (!text) return;
      }
      const reply = deliveredTextCommand(
        ctx.app,
        ctx.surface,
        {
          actor,
          key,
          ...(conversationId ? { roomId: conversationId } : {}),
          ...(sighting ? { sighting } : {}),
        },
        text,
      );
      // Answered by a delivery of the same message at the same moment (a replay): one answer is enough.
      if (!reply || (reply.kind === 'answer' && reply.answer.replay)) return;
      const incident = incidentFor(ctx, conversationId);
      switch (reply.kind) {
        case 'text':
          return await send({ type: 'message', text: activityOf(reply.text, ctx.nameOf, 4000) });
        case 'answer':
          failed = reply.answer.failed === true;
          return await send({ type: 'message', text: activityOf(reply.answer.text, ctx.nameOf, 4000) });
        case 'help':
          return await send(cardMessage(helpCard(reply.view, ctx.nameOf), 'Incident bot commands'));
        case 'list':
          return await send(
            cardMessage(
              listCard(reply.view, incident?.key ?? '', ctx.nameOf),
              activityOf(reply.view.title, ctx.nameOf, 200),
            ),
          );
        case 'form': {
          const formIncident = reply.form.incidentKey ? ctx.app.incident(reply.form.incidentKey) : null;
          return await send(
            cardMessage(renderForm(ctx, reply.form, formIncident, 'inline'), reply.form.title),
          );
        }
        case 'export':
          return await send(
            await exportMessage(ctx, reply.incident, actor, key, a.conversation?.id, sighting),
          );
      }
    } catch (e) {
      failed = true;
      throw e; // answered 500: the Bot Connector may deliver the message again
    } finally {
      if (failed && sighting) ctx.app.forgetSighting(sighting);
    }
  });
}
