/**
 * Adaptive Cards (version 1.5, the highest Teams bots may send) and the invoke-response shapes that
 * carry them. Cards are plain JSON typed with `IAdaptiveCard` from @microsoft/teams.cards: the builder
 * classes (`new AdaptiveCard(...)`, `new ExecuteAction(...)`) also work and default to version '1.5',
 * but serialize many default fields (`requires:{}`, `isSortKey`, `mode`, `conditionallyEnabled`,
 * `height`, `spacing`, ...) that inflate the 28 KB budget and are not in the 1.5 schema.
 *
 * Routing contract (verified in dist/router/router.js):
 * - `adaptiveCard/action` (Action.Execute) -> `app.on('card.action', ...)` for all, or
 *   `app.on('card.action.<X>')` where X = `value.action.data.action` (NOT `value.action.verb`).
 *   So every Action.Execute we emit carries `data.action === verb`.
 * - `task/fetch` -> `dialog.open`, or `dialog.open.<value.data.dialog_id>`.
 * - `task/submit` -> `dialog.submit`, or `dialog.submit.<value.data.action>`.
 * - Action.Submit on a card in a conversation arrives as a `message` activity with `value` = data
 *   merged with inputs and no text (route: `app.on('message')`, check `activity.value`).
 */
import type {
  AdaptiveCardActionCardResponse,
  AdaptiveCardActionErrorResponse,
  AdaptiveCardActionMessageResponse,
  IMessageActivityInput,
  MessagingExtensionActionResponse,
  TaskModuleResponse,
} from '@microsoft/teams.api';
import { cardAttachment } from '@microsoft/teams.api';
import type {
  CardElementArray,
  IAdaptiveCard,
  IChoiceSetInput,
  IExecuteAction,
  ISubmitAction,
  ITextBlock,
  ITextInput,
} from '@microsoft/teams.cards';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface IncidentCardView {
  incidentId: string;
  title: string;
  status: string;
  severity?: string;
  note?: string;
}

/** An Action.Execute whose `data.action` equals its verb (so `card.action.<verb>` routes), with an
 * Action.Submit fallback for clients without Universal Actions. */
export function executeAction(verb: string, title: string, data: Record<string, unknown>): IExecuteAction {
  const payload = { ...data, action: verb };
  const fallback: ISubmitAction = { type: 'Action.Submit', title, data: payload };
  return { type: 'Action.Execute', title, verb, data: payload, fallback };
}

/** Incident summary card with Acknowledge / Resolve buttons (Action.Execute). */
export function incidentCard(view: IncidentCardView): IAdaptiveCard {
  const body: CardElementArray = [
    {
      type: 'TextBlock',
      text: `${view.incidentId}: ${view.title}`,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Status', value: view.status },
        ...(view.severity ? [{ title: 'Severity', value: view.severity }] : []),
      ],
    },
  ];
  if (view.note) body.push({ type: 'TextBlock', text: view.note, wrap: true, isSubtle: true });
  const actions =
    view.status === 'resolved'
      ? []
      : [
          executeAction('ack', 'Acknowledge', { incidentId: view.incidentId }),
          executeAction('resolve', 'Resolve', { incidentId: view.incidentId }),
        ];
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body,
    actions,
  };
}

/** A message activity carrying one Adaptive Card (plus fallback/notification text). */
export function cardMessage(card: IAdaptiveCard, text?: string): IMessageActivityInput {
  return {
    type: 'message',
    ...(text ? { text } : {}),
    attachments: [cardAttachment('adaptive', card)],
  };
}

/** `adaptiveCard/action` answer that replaces the clicked card. Return it from the handler as-is:
 * the SDK wraps a non-InvokeResponse value into `{ status: 200, body: value }`. */
export function cardActionCardResponse(card: IAdaptiveCard): AdaptiveCardActionCardResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
}

/** `adaptiveCard/action` answer that shows a transient message instead of refreshing the card. */
export function cardActionMessageResponse(text: string): AdaptiveCardActionMessageResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}

/** `adaptiveCard/action` error answer (400 bad request / 500 failure), shown by the client. */
export function cardActionErrorResponse(
  statusCode: 400 | 500,
  code: string,
  message: string,
): AdaptiveCardActionErrorResponse {
  return {
    statusCode,
    type: 'application/vnd.microsoft.error',
    value: { code, message } as AdaptiveCardActionErrorResponse['value'],
  };
}

export interface DeclareFormValues {
  title?: string;
  severity?: string;
}

export const DECLARE_DIALOG_ID = 'declare';

/** Dialog form for declaring an incident. `errors` re-show the form with an error TextBlock. */
export function declareDialogCard(values: DeclareFormValues = {}, errors: string[] = []): IAdaptiveCard {
  const body: CardElementArray = [];
  for (const e of errors) {
    const err: ITextBlock = { type: 'TextBlock', text: e, color: 'Attention', wrap: true, weight: 'Bolder' };
    body.push(err);
  }
  const title: ITextInput = {
    type: 'Input.Text',
    id: 'title',
    label: 'Title',
    isRequired: true,
    errorMessage: 'A title is required',
    maxLength: 150,
    ...(values.title ? { value: values.title } : {}),
  };
  const severity: IChoiceSetInput = {
    type: 'Input.ChoiceSet',
    id: 'severity',
    label: 'Severity',
    style: 'compact',
    isRequired: true,
    value: values.severity ?? 'SEV2',
    choices: [
      { title: 'SEV1 - critical', value: 'SEV1' },
      { title: 'SEV2 - major', value: 'SEV2' },
      { title: 'SEV3 - minor', value: 'SEV3' },
    ],
  };
  body.push(title, severity);
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body,
    actions: [{ type: 'Action.Submit', title: 'Declare', data: { action: DECLARE_DIALOG_ID } }],
  };
}

/** `task/fetch` / `task/submit` answer: show (or re-show) a card in the dialog. */
export function dialogContinue(title: string, card: IAdaptiveCard): TaskModuleResponse {
  return { task: { type: 'continue', value: { title, card: cardAttachment('adaptive', card) } } };
}

/** `task/submit` answer: close the dialog and show a short message. */
export function dialogMessage(text: string): TaskModuleResponse {
  return { task: { type: 'message', value: text } };
}

/** `composeExtension/submitAction` answer: close the dialog and show a short message. */
export function messageExtensionMessage(text: string): MessagingExtensionActionResponse {
  return { task: { type: 'message', value: text } };
}

/** `composeExtension/submitAction` answer: insert a card into the compose box (user then sends it). */
export function messageExtensionCardResult(card: IAdaptiveCard): MessagingExtensionActionResponse {
  return {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
    },
  };
}
