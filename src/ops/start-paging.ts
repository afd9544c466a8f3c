// Paging wired into the running bot (src/bot.ts; the test boots too): the client of the configured service
// (PagerDuty or Opsgenie, config-paging.ts) inside the outbox sender registered as `senders.pager`. With none
// (not configured, or the local console, which never pages) the sender still settles rows queued before the
// settings were removed: the page is marked failed and the room told, nothing is called.
import type { IncidentApp } from '../app/incident-app.js';
import type { AppLogger, Sender } from '../app/ports.js';
import { OpsgenieClient } from '../integrations/opsgenie-client.js';
import type { PagerClient, PagerTarget } from '../integrations/pager-client.js';
import { PagerSender } from '../integrations/pager-sender.js';
import { PagerDutyClient } from '../integrations/pagerduty-client.js';

export function pagerClient(t: PagerTarget, env: (name: string) => string | undefined): PagerClient {
  return t.pager === 'pagerduty'
    ? new PagerDutyClient({ eventsUrl: t.eventsUrl, routingKey: t.routingKey, timeoutMs: t.timeoutMs, env })
    : new OpsgenieClient({ apiUrl: t.apiUrl, apiKey: t.apiKey, timeoutMs: t.timeoutMs });
}

/** Registers the pager's sender as `senders.pager`. */
export function startPaging(o: {
  /** The configured paging service (config-paging.ts pagingOf); null: none, or the local console. */
  target: PagerTarget | null;
  app: IncidentApp;
  senders: Record<string, Sender>;
  /** Where a playbook service's routing key (`${NAME}`) is read. */
  env: (name: string) => string | undefined;
  logger?: AppLogger;
}): void {
  o.senders.pager = new PagerSender({
    client: o.target ? pagerClient(o.target, o.env) : null,
    app: o.app,
    ...(o.logger ? { logger: o.logger } : {}),
  });
}
