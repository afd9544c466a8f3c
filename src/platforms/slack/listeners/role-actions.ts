// Role buttons on the incident summary: claim, release, hand over (users_select).
// The role comes from the action's value (a role id, or JSON {role}) or from an id suffix
// (`role_claim:scribe`, or a block_id like `role:scribe:v3`), so several role buttons can share a block.
import type { BlockAction } from '@slack/bolt';
import type { Command } from '../../../domain/commands.js';
import type { Playbook } from '../../../domain/playbook.js';
import { ACTION } from '../ids.js';
import {
  actionKey,
  actorOf,
  answer,
  runCommand,
  type SlackContext,
  type SlackFeature,
  tell,
} from './common.js';
import { incidentForAction } from './open-modal.js';

type RoleAction = {
  action_id: string;
  block_id?: string;
  value?: string;
  selected_user?: string | null;
  action_ts?: string;
};

/** Matches the id itself or the id with a `:suffix`. */
export const idPattern = (id: string) => new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:.*)?$`);

export function roleOfAction(pb: Playbook, a: RoleAction): string | null {
  const known = (r: string | undefined | null) => (r && pb.roles.some((x) => x.id === r) ? r : null);
  const segments = (s: string | undefined) => (s?.includes(':') ? s.split(':').slice(1) : []);
  const fromIds = [...segments(a.action_id), ...segments(a.block_id), ...segments(a.value)].find((x) =>
    known(x),
  );
  let fromJson: string | undefined;
  try {
    fromJson = a.value ? (JSON.parse(a.value) as { role?: string })?.role : undefined;
  } catch {
    fromJson = undefined;
  }
  return known(a.value) ?? known(fromJson) ?? known(fromIds);
}

async function onRoleAction(
  ctx: SlackContext,
  body: BlockAction,
  client: Parameters<typeof tell>[1],
  kind: 'claim' | 'release' | 'handover',
) {
  const a = body.actions[0] as unknown as RoleAction;
  const channelId = body.channel?.id ?? (body.container as { channel_id?: string } | undefined)?.channel_id;
  const user = body.user.id;
  const incident = incidentForAction(ctx, undefined, channelId) ?? incidentForAction(ctx, a.value, undefined);
  if (!incident)
    return tell(ctx, client, channelId, user, 'I could not tell which incident this button is for.');
  const pb = ctx.service.playbookFor(incident);
  const role = roleOfAction(pb, a);
  if (!role) return tell(ctx, client, channelId, user, 'I could not tell which role this button is for.');
  let command: Command;
  if (kind === 'claim') command = { type: 'claim_role', role };
  else if (kind === 'release') command = { type: 'release_role', role };
  else {
    if (!a.selected_user) return;
    command = { type: 'assign_role', role, user: a.selected_user };
  }
  const actor = actorOf(ctx, user, body.user.name);
  const outcome = runCommand(ctx, {
    key: actionKey({
      messageTs: (body.container as { message_ts?: string } | undefined)?.message_ts,
      actionId: a.action_id,
      value: a.selected_user ?? a.value ?? role,
      user,
      actionTs: a.action_ts,
    }),
    incidentKey: incident.key,
    command,
    actor,
  });
  // Refusals (role taken, not the IC...) and notices go to the clicker; overload warnings to whoever they concern.
  await answer(ctx, client, outcome, user, channelId ?? incident.room?.id);
}

export const roleActions: SlackFeature = {
  name: 'roles',
  actions: [ACTION.claimRole, ACTION.releaseRole, ACTION.handoverRole],
  register(app, ctx) {
    const on = (id: string, kind: 'claim' | 'release' | 'handover') =>
      app.action(idPattern(id), async ({ ack, body, client }) => {
        await ack();
        await onRoleAction(ctx, body as BlockAction, client, kind);
      });
    on(ACTION.claimRole, 'claim');
    on(ACTION.releaseRole, 'release');
    on(ACTION.handoverRole, 'handover');
  },
};
