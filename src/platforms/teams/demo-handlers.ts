/**
 * Reference handlers showing every Teams interaction the incident bot needs, end to end through the
 * real SDK pipeline (exercised by test/teams/handlers.test.ts). The incident core is NOT wired here:
 * `DemoHooks` marks the seams where the next engineer plugs in commands/effects.
 *
 * Handler contract (dist/app.process.js): all routes matching an activity are chained; only the FIRST
 * registered one runs unless it calls `await ctx.next()`. The handler's return value is the invoke
 * response: an object with a numeric `status` is used as-is (`{ status, body }`), anything else is
 * wrapped as `{ status: 200, body: value }`. Returning `null` crashes (`'status' in null`) -> 500. A
 * throw -> HTTP 500 and the `error` event. The HTTP response is sent only after the handler settles, so
 * `await ctx.send(...)` inside an invoke delays the invoke response (Teams waits ~15 s for messages,
 * 5 s-ish for invokes): keep slow work out of the handler.
 */
import type { App } from '@microsoft/teams.apps';
import {
  cardActionCardResponse,
  cardActionErrorResponse,
  cardMessage,
  DECLARE_DIALOG_ID,
  declareDialogCard,
  dialogContinue,
  dialogMessage,
  incidentCard,
  messageExtensionMessage,
} from './cards.js';
import { commandTextFrom } from './mentions.js';

export interface DeclareInput {
  title: string;
  severity: string;
  by: string;
  source: 'command' | 'dialog' | 'message-action';
  /** message-action only: the message the incident was created from */
  sourceMessage?: { author?: string; createdDateTime?: string; text: string; link?: string };
}

export interface DemoHooks {
  /** Returns the new incident id. */
  declare?: (input: DeclareInput) => string;
  /** Card button: returns the new status (or undefined for an unknown incident). */
  transition?: (incidentId: string, verb: string, by: string) => string | undefined;
}

export const HELP_TEXT =
  'Incident bot commands: `incident declare <title>`, `incident help`. ' +
  'Use the message menu "Create incident" on any message.';

const SEVERITIES = new Set(['SEV1', 'SEV2', 'SEV3']);

export function registerDemoHandlers(app: App, hooks: DemoHooks = {}): void {
  let seq = 0;
  const declare = hooks.declare ?? (() => `INC-${++seq}`);
  const transition =
    hooks.transition ??
    ((_id: string, verb: string) =>
      verb === 'ack' ? 'acknowledged' : verb === 'resolve' ? 'resolved' : undefined);

  // (a)+(b) channel/personal messages: `@Bot incident help` -> text, `@Bot incident declare X` -> card
  app.on('message', async (ctx) => {
    const { activity } = ctx;
    if (activity.value && !activity.text) return; // Action.Submit from a card in the conversation
    const text = commandTextFrom(activity);
    const [word, sub, ...rest] = text.split(' ');
    if (word?.toLowerCase() !== 'incident' || !sub || sub.toLowerCase() === 'help') {
      await ctx.send(HELP_TEXT);
      return;
    }
    if (sub.toLowerCase() === 'declare') {
      const title = rest.join(' ').trim() || 'Untitled incident';
      const id = declare({
        title,
        severity: 'SEV2',
        by: activity.from.name ?? activity.from.id,
        source: 'command',
      });
      await ctx.send(
        cardMessage(
          incidentCard({ incidentId: id, title, status: 'declared', severity: 'SEV2' }),
          `${id} declared: ${title}`,
        ),
      );
      return;
    }
    await ctx.send(`Unknown command "${sub}". ${HELP_TEXT}`);
  });

  // (c) Action.Execute -> refreshed card in the invoke response
  app.on('card.action', async (ctx) => {
    const action = ctx.activity.value.action;
    const data = (action.data ?? {}) as Record<string, unknown>;
    const verb = String(data.action ?? action.verb ?? '');
    const incidentId = typeof data.incidentId === 'string' ? data.incidentId : undefined;
    if (!incidentId) return cardActionErrorResponse(400, 'BadRequest', 'card data has no incidentId');
    const by = ctx.activity.from.name ?? ctx.activity.from.id;
    const status = transition(incidentId, verb, by);
    if (!status) return cardActionErrorResponse(400, 'BadRequest', `unknown action "${verb}"`);
    return cardActionCardResponse(
      incidentCard({
        incidentId,
        title: typeof data.title === 'string' ? data.title : incidentId,
        status,
        note: `${status} by ${by}`,
      }),
    );
  });

  // (d) message action "Create incident" (composeExtension/submitAction, commandContext 'message')
  app.on('message.ext.submit', async (ctx) => {
    const v = ctx.activity.value;
    const payload = v.messagePayload;
    const messageText = htmlToText(payload?.body?.content ?? '');
    const data = (v.data ?? {}) as Record<string, unknown>;
    const title =
      (typeof data.title === 'string' && data.title.trim()) ||
      messageText.slice(0, 100) ||
      'Untitled incident';
    const id = declare({
      title,
      severity: typeof data.severity === 'string' && SEVERITIES.has(data.severity) ? data.severity : 'SEV2',
      by: ctx.activity.from.name ?? ctx.activity.from.id,
      source: 'message-action',
      sourceMessage: {
        ...(payload?.from?.user?.displayName ? { author: payload.from.user.displayName } : {}),
        ...(payload?.createdDateTime ? { createdDateTime: payload.createdDateTime } : {}),
        text: messageText,
        ...(payload?.linkToMessage ? { link: payload.linkToMessage } : {}),
      },
    });
    return messageExtensionMessage(`${id} declared: ${title}`);
  });

  // (e) dialog: task/fetch shows the form, task/submit validates
  app.on('dialog.open', async () => dialogContinue('Declare incident', declareDialogCard()));

  app.on('dialog.submit', async (ctx) => {
    const data = (ctx.activity.value.data ?? {}) as Record<string, unknown>;
    if (data.action !== DECLARE_DIALOG_ID) return dialogMessage('Unknown dialog');
    const title = typeof data.title === 'string' ? data.title.trim() : '';
    const severity = typeof data.severity === 'string' ? data.severity : '';
    const errors: string[] = [];
    if (!title) errors.push('Title is required.');
    if (!SEVERITIES.has(severity)) errors.push('Choose a severity.');
    if (errors.length > 0) {
      return dialogContinue('Declare incident', declareDialogCard({ title, severity }, errors));
    }
    const id = declare({
      title,
      severity,
      by: ctx.activity.from.name ?? ctx.activity.from.id,
      source: 'dialog',
    });
    return dialogMessage(`${id} declared: ${title}`);
  });
}

/** Teams message bodies are HTML; reduce to text for titles/timeline entries. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}
