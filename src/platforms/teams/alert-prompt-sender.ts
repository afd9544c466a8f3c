// Posts an alert group's prompt in the alerts channel (a new post in the channel conversation), then updates
// that activity in place for every later notification or decision; where it is, is kept in message_refs
// under the group's id. Teams has no lookup for a post in doubt after a crash: such a row posts again (at
// worst a second prompt for the group, never none), as other Teams posts do.
import type { App } from '@microsoft/teams.apps';
import type { AlertPromptSender } from '../../app/alert-ports.js';
import type { MessageRefs, OutboxRow, SendResult } from '../../app/ports.js';
import type { AlertGroup } from '../../domain/alert-group.js';
import { recordApiError } from '../../ops/metrics.js';
import { alertPromptView } from '../../views/alert-prompt.js';
import { classifyError } from './connector-errors.js';
import { sendToConversation, updateActivity } from './proactive.js';
import type { StoredRef, TeamsRefs } from './refs.js';
import { renderAlertPrompt } from './render/alert-prompt.js';
import { cardMessage } from './render/card-kit.js';
import type { NameOf } from './render/text.js';

export const promptRefName = (g: Pick<AlertGroup, 'occurrence'>) => `alert_prompt:${g.occurrence}`;

export interface TeamsAlertSenderOptions {
  app: App;
  refs: TeamsRefs;
  messageRefs: MessageRefs;
  nameOf: NameOf;
  defaultServiceUrl: string;
  tenantId?: string;
}

export class TeamsAlertPromptSender implements AlertPromptSender {
  constructor(private readonly o: TeamsAlertSenderOptions) {}

  /** The channel's stored reference, else the latest serviceUrl the bot heard from (like other posts). */
  private refFor(conversationId: string): StoredRef {
    return (
      this.o.refs.resolve(conversationId) ?? {
        conversationId,
        serviceUrl: this.o.refs.latest()?.serviceUrl ?? this.o.defaultServiceUrl,
        ...(this.o.tenantId ? { tenantId: this.o.tenantId } : {}),
      }
    );
  }

  async send(_row: OutboxRow, group: AlertGroup): Promise<SendResult> {
    const p = renderAlertPrompt(alertPromptView(group), this.o.nameOf);
    const activity = cardMessage(p.card, p.text);
    try {
      const existing = this.o.messageRefs.getMessageRef(group.id, 'teams', promptRefName(group));
      if (existing) {
        await updateActivity(this.o.app, this.refFor(existing.channel), existing.ref, activity);
        return { status: 'sent', result: { updated: existing.ref } };
      }
      const sent = await sendToConversation(this.o.app, this.refFor(group.channel), activity);
      this.o.messageRefs.setMessageRef(group.id, 'teams', promptRefName(group), group.channel, sent.id);
      return { status: 'sent', result: { id: sent.id, conversationId: group.channel } };
    } catch (e) {
      const status = (e as { response?: { status?: number } })?.response?.status;
      recordApiError('teams', 'outbox.alert_prompt', status ? `http_${status}` : 'network');
      return classifyError(e);
    }
  }
}
