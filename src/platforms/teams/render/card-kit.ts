// Adaptive Cards (version 1.5, the highest a bot may send) as plain JSON, and the invoke answers that carry
// them. Buttons: Action.Execute (Universal Actions; the SDK routes on `data.action`, so it always equals
// the verb) with an Action.Submit fallback; Action.Submit with `msteams: { type: 'task/fetch' }` opens a
// dialog. Builder classes of @microsoft/teams.cards serialise many default fields, so they are not used.
import type {
  AdaptiveCardActionCardResponse,
  AdaptiveCardActionErrorResponse,
  IMessageActivityInput,
  MessagingExtensionActionResponse,
  TaskModuleResponse,
} from '@microsoft/teams.api';
import { cardAttachment } from '@microsoft/teams.api';
import type { CardElement, CardElementArray, IAdaptiveCard } from '@microsoft/teams.cards';
import type { FormName } from '../../../views/form.js';
import { cardText } from './escape.js';

// biome-ignore lint/suspicious/noExplicitAny: Adaptive Card JSON is free-form
export type El = Record<string, any>;

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Card action verbs (`data.action`); cards already posted carry them, so they never change. */
export const VERB = {
  claimRole: 'role_claim',
  releaseRole: 'role_release',
  handoverRole: 'role_handover',
  /** Workstreams on the summary: take one, or (`pick`) name the person in its picker; release its lead. */
  leadWorkstream: 'workstream_lead',
  releaseWorkstream: 'workstream_release',
  checkItem: 'checklist_toggle',
  formSubmit: 'form_submit',
  itemNotApplicable: 'checklist_na',
  snooze: 'nudge_snooze',
  followupDone: 'followup_done',
  /** The roles nudge's Page button: pages a role's on-call as the clicker. */
  page: 'page_oncall',
} as const;

export function card(body: CardElementArray, actions: El[] = []): IAdaptiveCard {
  const c: El = { type: 'AdaptiveCard', version: '1.5', body };
  if (actions.length) c.actions = actions;
  c.msteams = { width: 'Full' };
  return c as IAdaptiveCard;
}

export const el = (o: El) => o as CardElement;

/** A TextBlock; `t` is already card text (escaped). */
export function text(t: string, extra: El = {}): CardElement {
  return el({ type: 'TextBlock', text: t.trim() ? t : ' ', wrap: true, ...extra });
}

export function errorBlock(t: string): CardElement {
  return text(t, { color: 'Attention', weight: 'Bolder', spacing: 'None' });
}

export function execute(verb: string, title: string, data: El, style?: 'positive' | 'destructive'): El {
  const payload = { ...data, action: verb };
  return {
    type: 'Action.Execute',
    title,
    verb,
    data: payload,
    ...(style ? { style } : {}),
    fallback: { type: 'Action.Submit', title, data: payload },
  };
}

/** A button that opens a dialog (task/fetch) with the named form. */
export function openDialog(
  form: FormName,
  title: string,
  incidentKey?: string,
  style?: 'positive' | 'destructive',
  /** What the form opens with, by field id (e.g. which playbook action). */
  prefill?: Record<string, string>,
): El {
  return {
    type: 'Action.Submit',
    title,
    ...(style ? { style } : {}),
    data: {
      msteams: { type: 'task/fetch' },
      dialog: form,
      ...(incidentKey ? { incidentKey } : {}),
      ...(prefill && Object.keys(prefill).length ? { prefill } : {}),
    },
  };
}

export const DRILL_BANNER = text('DRILL: this is an exercise, not a real incident.', {
  color: 'Warning',
  weight: 'Bolder',
});

/** Shown in place of a submitted inline form; the title is card text already. */
export function doneCard(title: string, lines: string[] = []): IAdaptiveCard {
  return card([text(title, { weight: 'Bolder', wrap: true }), ...lines.map((l) => text(l))]);
}

/** A message activity carrying one Adaptive Card (plus notification / fallback text). */
export function cardMessage(c: IAdaptiveCard, fallback?: string): IMessageActivityInput {
  return {
    type: 'message',
    ...(fallback ? { text: fallback } : {}),
    attachments: [cardAttachment('adaptive', c)],
  };
}

/** `adaptiveCard/action` answer that replaces the clicked card. */
export function cardActionCardResponse(c: IAdaptiveCard): AdaptiveCardActionCardResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: c };
}

/** `adaptiveCard/action` error answer (400 bad request), shown by the client. */
export function cardActionErrorResponse(message: string): AdaptiveCardActionErrorResponse {
  return {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: { code: 'BadRequest', message } as AdaptiveCardActionErrorResponse['value'],
  };
}

/** `task/fetch` / `task/submit` answer: show (or re-show) a card in the dialog. */
export function dialogContinue(title: string, c: IAdaptiveCard): TaskModuleResponse {
  return { task: { type: 'continue', value: { title, card: cardAttachment('adaptive', c) } } };
}

/** `task/submit` answer: close the dialog and show a short message (plain text). */
export function dialogMessage(t: string): TaskModuleResponse {
  return { task: { type: 'message', value: t } };
}

/** `composeExtension/submitAction` answer: close the dialog and show a short message. */
export function messageExtensionMessage(t: string): MessagingExtensionActionResponse {
  return { task: { type: 'message', value: t } };
}

/** A heading and lines (posts, help, lists); lines are card text already. */
export function textCard(
  heading: string,
  lines: string[],
  actions: El[] = [],
  opts: { drill?: boolean } = {},
): IAdaptiveCard {
  const body: CardElementArray = [];
  if (opts.drill) body.push(text('DRILL', { color: 'Warning', weight: 'Bolder' }));
  body.push(text(heading, { weight: 'Bolder', size: 'Medium' }));
  for (const l of lines) body.push(text(l, { spacing: 'Small' }));
  return card(body, actions);
}

export { cardText };
