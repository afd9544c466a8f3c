// Shared by the incident modals' submissions: which incident, and how a refusal shows in the modal.
import type { AckFn, ViewResponseAction } from '@slack/bolt';
import type { DomainError } from '../../../domain/errors.js';
import type { Incident } from '../../../domain/incident.js';
import { decodeMeta, type ModalMeta } from '../render/modals/kit.js';
import { incidentInChannel, type SlackContext } from './common.js';

export function incidentFromMeta(
  ctx: SlackContext,
  privateMetadata: string | undefined,
): { incident: Incident | null; meta: ModalMeta } {
  const meta = decodeMeta(privateMetadata);
  const incident = (meta.k ? ctx.service.get(meta.k) : null) ?? incidentInChannel(ctx, meta.c);
  return { incident, meta };
}

/** The first input block of a submitted view: where a refusal that belongs to no field is shown. */
export function firstInputBlock(
  blocks: { type?: string; block_id?: string }[] | undefined,
  fallback: string,
): string {
  return blocks?.find((b) => b.type === 'input' && b.block_id)?.block_id ?? fallback;
}

export async function refuse(
  ack: AckFn<ViewResponseAction> | AckFn<void>,
  blockId: string,
  error: DomainError | string,
): Promise<void> {
  const message = typeof error === 'string' ? error : error.message;
  await (ack as AckFn<ViewResponseAction>)({
    response_action: 'errors',
    errors: { [blockId]: message.slice(0, 2000) },
  });
}
