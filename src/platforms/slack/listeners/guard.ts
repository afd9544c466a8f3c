// Global Bolt middleware, run before every listener:
// 1. Workspace rule: the bot serves the one workspace it is installed in (the team auth.test reports,
//    learned once and cached). A request whose team (team_id, team.id, user.team_id) is another team is
//    refused with a sentence and changes nothing; on Enterprise Grid a request from the installed
//    enterprise is accepted. If auth.test cannot be asked (Slack down), requests are let through: they
//    are signed, and an incident bot must keep working while Slack is flaky.
// 2. Ids no listener answers (a button from an older message, a slash command renamed in the manifest,
//    a modal of an older version): acknowledged at once with a sentence, instead of a silent 3 s timeout.
import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import { type SlackClient, type SlackContext, type SlackFeature, tell } from '../context.js';
import { SLASH_COMMAND } from '../ids.js';

// biome-ignore lint/suspicious/noExplicitAny: Slack bodies are free-form JSON
type Body = any;

export const OTHER_WORKSPACE =
  'This incident bot serves another Slack workspace, so it cannot act on requests from yours. Nothing was changed.';
export const UNKNOWN_ID =
  'I do not know that button or form (it may be from an older message). Nothing was changed; try `/incident help`.';

function known(ids: Set<string>, id: unknown): boolean {
  if (typeof id !== 'string') return false;
  if (ids.has(id)) return true;
  const i = id.indexOf(':');
  return i > 0 && ids.has(id.slice(0, i));
}

/** Team ids a request claims to come from, and its enterprise. */
export function teamsOf(body: Body): { teams: string[]; enterprise: string | null } {
  const teams = [body?.team_id, body?.team?.id, body?.user?.team_id].filter(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  const enterprise = body?.enterprise_id ?? body?.enterprise?.id ?? body?.team?.enterprise_id ?? null;
  return {
    teams: [...new Set(teams)],
    enterprise: typeof enterprise === 'string' && enterprise ? enterprise : null,
  };
}

export function guardMiddleware(
  ctx: SlackContext,
  features: readonly SlackFeature[],
): Middleware<AnyMiddlewareArgs> {
  const all = (k: 'commands' | 'shortcuts' | 'views' | 'actions') =>
    new Set(features.flatMap((f) => f[k] ?? []));
  const commands = all('commands');
  const shortcuts = all('shortcuts');
  const views = all('views');
  const actions = all('actions');
  let installed: Promise<{ team: string | null; enterprise: string | null } | null> | null = null;

  const installedTeam = (client: SlackClient) => {
    installed ??= client.auth
      .test()
      .then((r) => ({ team: r.team_id ?? null, enterprise: r.enterprise_id ?? null }))
      .catch((e) => {
        ctx.log.warn({ err: (e as Error).message }, 'auth.test failed; workspace check skipped for now');
        installed = null;
        return null;
      });
    return installed;
  };

  return async (args) => {
    const { body, next, client } = args as AnyMiddlewareArgs & {
      client: SlackClient;
      next: () => Promise<void>;
    };
    const b = body as Body;
    const ack = (args as { ack?: (r?: unknown) => Promise<void> }).ack;
    const type: string | undefined = b?.command ? 'slash' : b?.type;
    const user: string | undefined = b?.user_id ?? b?.user?.id;
    const channel: string | undefined = b?.channel_id ?? b?.channel?.id ?? b?.container?.channel_id;
    const firstBlock = (): string =>
      (b?.view?.blocks ?? []).find((x: Body) => x?.type === 'input' && x.block_id)?.block_id ??
      Object.keys(b?.view?.state?.values ?? {})[0] ??
      'title';

    /** Answers the request (in the ack when it can carry text) and stops it. */
    const refuse = async (text: string) => {
      if (!ack) return;
      if (type === 'slash') return ack({ response_type: 'ephemeral', text });
      if (type === 'view_submission')
        return ack({ response_action: 'errors', errors: { [firstBlock()]: text } });
      await ack();
      if (user && type !== 'view_closed' && type !== 'block_suggestion')
        await tell(ctx, client, channel, user, text);
    };

    if (type && type !== 'event_callback' && ack) {
      const { teams, enterprise } = teamsOf(b);
      if (teams.length) {
        const home = await installedTeam(client);
        if (
          home?.team &&
          teams.some((t) => t !== home.team) &&
          !(home.enterprise && enterprise === home.enterprise)
        ) {
          ctx.log.warn({ teams, installed: home.team, type }, 'request from another workspace refused');
          return refuse(OTHER_WORKSPACE);
        }
      }
    }

    switch (type) {
      case 'slash':
        if (!commands.has(b.command))
          return refuse(`I only answer ${[...commands].join(', ') || SLASH_COMMAND}.`);
        break;
      case 'block_actions': {
        const a = b.actions?.[0];
        if (!known(actions, a?.action_id)) {
          // Link buttons send an action too: acknowledge those quietly.
          if (a?.url) return ack?.();
          return refuse(UNKNOWN_ID);
        }
        break;
      }
      case 'view_submission':
        if (!known(views, b.view?.callback_id)) return refuse(UNKNOWN_ID);
        break;
      case 'view_closed':
        // Listeners rarely handle view_closed: acknowledge it ourselves when none did.
        await next();
        await Promise.resolve(ack?.()).catch(() => undefined);
        return;
      case 'shortcut':
      case 'message_action':
        if (!known(shortcuts, b.callback_id)) return refuse(UNKNOWN_ID);
        break;
      default:
        break;
    }
    await next();
  };
}

export function registerGuard(app: App, ctx: SlackContext, features: readonly SlackFeature[]): void {
  app.use(guardMiddleware(ctx, features));
}
