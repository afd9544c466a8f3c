// Opening the incident modals (from `/incident <verb>` or a button), after asking the core whether the
// person may do it at all: a non-IC asking to close is told so at once instead of filling in a form.
import type { App, BlockAction } from '@slack/bolt';
import type { Command } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import { closeModal, communicationModal } from '../render/modals/communication-modal.js';
import type { Block } from '../render/modals/kit.js';
import { phaseModal, phaseMoves } from '../render/modals/phase-modal.js';
import { reclassifyModal } from '../render/modals/reclassify-modal.js';
import {
  actorOf,
  errorCode,
  precheck,
  type SlackClient,
  type SlackContext,
  tell,
  withHint,
} from './common.js';

export type ModalKind = 'alert' | 'update' | 'phase' | 'close' | 'reclassify';

const PROBE: Record<ModalKind, Command> = {
  alert: { type: 'send_initial_alert', fields: {} },
  update: { type: 'post_status_update', fields: {} },
  phase: { type: 'advance_phase', confirmed: [] },
  close: { type: 'close', confirmed: [], fields: {} },
  reclassify: { type: 'reclassify', reason: '' },
};

export interface OpenRequest {
  kind: ModalKind;
  incident: Incident;
  triggerId: string;
  channelId: string;
  userId: string;
  userName?: string;
}

/** Builds the modal, or says why not (a sentence for the person). */
export function buildModal(ctx: SlackContext, r: OpenRequest): { view: Block } | { refusal: string } {
  const i = r.incident;
  const actor = actorOf(ctx, r.userId, r.userName);
  const refusal = precheck(ctx, i, PROBE[r.kind], actor);
  if (refusal) return { refusal: withHint(refusal) };
  const pb = ctx.service.playbookFor(i);
  const now = ctx.service.now();
  const names = (id: string) => ctx.names.get(id);
  const stakeholders = Boolean(ctx.stakeholderChannel);
  switch (r.kind) {
    case 'alert':
      if (i.initialAlertAt)
        return {
          refusal:
            'The initial stakeholder alert was already sent; use `/incident update` for a status update.',
        };
      return {
        view: communicationModal(pb, 'initial_alert', {
          incident: i,
          now,
          names,
          channelId: r.channelId,
          stakeholders,
        }),
      };
    case 'update':
      return {
        view: communicationModal(pb, 'status_update', {
          incident: i,
          now,
          names,
          channelId: r.channelId,
          stakeholders,
        }),
      };
    case 'close':
      return {
        view: closeModal(pb, {
          incident: i,
          now,
          names,
          channelId: r.channelId,
          userId: r.userId,
          stakeholders,
        }),
      };
    case 'reclassify':
      return { view: reclassifyModal(pb, i, { channelId: r.channelId }) };
    case 'phase': {
      if (phaseMoves(pb, i).length === 0) {
        if (i.phase === pb.closurePhase)
          return { refusal: 'This phase ends by closing the incident: use `/incident close`.' };
        return { refusal: 'There is no phase to move to from here.' };
      }
      return { view: phaseModal(pb, i, { channelId: r.channelId }) };
    }
  }
}

/** Opens the modal with the trigger id (first thing: it expires after 3 s). Returns a refusal text, or null. */
export async function openIncidentModal(
  ctx: SlackContext,
  client: SlackClient,
  r: OpenRequest,
): Promise<string | null> {
  const built = buildModal(ctx, r);
  if ('refusal' in built) return built.refusal;
  return openView(ctx, client, r.triggerId, built.view);
}

/** views.open; returns a sentence for the person when Slack refuses (expired trigger...), else null. */
export async function openView(
  ctx: SlackContext,
  client: SlackClient,
  triggerId: string,
  view: Block,
): Promise<string | null> {
  try {
    await client.views.open({ trigger_id: triggerId, view: view as never });
    return null;
  } catch (e) {
    ctx.log.warn({ err: errorCode(e), callbackId: view.callback_id }, 'could not open a modal');
    return 'I could not open the form (Slack refused it). Please try again.';
  }
}

/** The incident a block action is about: the action's value when it names one, else the channel's. */
export function incidentForAction(
  ctx: SlackContext,
  value: string | undefined,
  channelId: string | undefined,
): Incident | null {
  if (value) {
    const byKey = ctx.service.get(value);
    if (byKey) return byKey;
    try {
      const v = JSON.parse(value) as { k?: string; incident?: string };
      const k = v?.k ?? v?.incident;
      if (k) {
        const i = ctx.service.get(k);
        if (i) return i;
      }
    } catch {
      // not JSON: a plain value
    }
  }
  return channelId ? ctx.service.store.findByRoom('slack', channelId) : null;
}

/** A button (e.g. on the summary message) that opens one of the incident modals. */
export function registerOpenButton(app: App, ctx: SlackContext, actionId: string, kind: ModalKind): void {
  app.action(actionId, async ({ ack, body, client }) => {
    await ack();
    const b = body as BlockAction;
    const action = b.actions[0] as { value?: string } | undefined;
    const channelId = b.channel?.id ?? (b.container as { channel_id?: string } | undefined)?.channel_id;
    const incident = incidentForAction(ctx, action?.value, channelId);
    if (!incident) {
      await tell(ctx, client, channelId, b.user.id, 'I could not tell which incident this button is for.');
      return;
    }
    const refusal = await openIncidentModal(ctx, client, {
      kind,
      incident,
      triggerId: b.trigger_id,
      channelId: channelId ?? incident.room?.id ?? '',
      userId: b.user.id,
      ...(b.user.name ? { userName: b.user.name } : {}),
    });
    if (refusal) await tell(ctx, client, channelId ?? incident.room?.id, b.user.id, refusal);
  });
}
