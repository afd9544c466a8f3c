// Wires every Slack feature's listeners onto one Bolt app.
import type { App } from '@slack/bolt';
import { type SlackContext, type SlackDeps, type SlackFeature, slackContext } from './context.js';
import { alertButtons } from './listeners/alert-buttons.js';
import { buttons } from './listeners/buttons.js';
import { formListeners } from './listeners/forms.js';
import { registerGuard } from './listeners/guard.js';
import { logShortcut } from './listeners/log-shortcut.js';
import { membershipEvents } from './listeners/membership.js';
import { messageEvents } from './listeners/message-events.js';
import { pageButton } from './listeners/page-button.js';
import { slashCommand } from './listeners/slash-command.js';
import { workstreamButtons } from './listeners/workstreams.js';

export type { SlackDeps } from './context.js';

export const FEATURES: readonly SlackFeature[] = [
  slashCommand,
  formListeners,
  buttons,
  logShortcut,
  messageEvents,
  membershipEvents,
  workstreamButtons,
  pageButton,
  alertButtons,
];

/**
 * Callback ids slack/manifest.json declares whose listener is not registered here yet, with why.
 * The manifest test allows these and nothing else; remove an entry when its listener joins FEATURES.
 */
export const PENDING_CALLBACKS: Readonly<Record<string, string>> = {};

export interface RegisteredCallbacks {
  commands: string[];
  shortcuts: string[];
  views: string[];
  actions: string[];
}

/** Every command, shortcut, view and action id answered by the registered listeners. */
export function registeredCallbackIds(features: readonly SlackFeature[] = FEATURES): RegisteredCallbacks {
  const all = (k: keyof RegisteredCallbacks) => [...new Set(features.flatMap((f) => f[k] ?? []))];
  return {
    commands: all('commands'),
    shortcuts: all('shortcuts'),
    views: all('views'),
    actions: all('actions'),
  };
}

/** Registers each feature's listeners; returns the shared listener context (names cache, logger). */
export function registerSlack(app: App, deps: SlackDeps, extra: readonly SlackFeature[] = []): SlackContext {
  const ctx = slackContext(deps, app.client);
  // Workspace rule and unknown ids, before any listener (see listeners/guard.ts).
  registerGuard(app, ctx, [...FEATURES, ...extra]);
  for (const f of [...FEATURES, ...extra]) f.register(app, ctx);
  return ctx;
}
