// What every Teams handler shares: the application layer, the conversation references and people, the
// actor of an activity, and the people a picker offers.
import type { IncidentApp, Surface } from '../../app/incident-app.js';
import type { AppLogger } from '../../app/ports.js';
import type { Actor, Incident } from '../../domain/incident.js';
import type { TeamsFileAccess } from './handlers/evidence-files.js';
import type { TeamsRefs } from './refs.js';
import type { PersonChoice } from './render/people.js';
import type { NameOf } from './render/text.js';

// biome-ignore lint/suspicious/noExplicitAny: inbound activities are loosely typed JSON
export type Json = any;

export interface TeamsContext {
  app: IncidentApp;
  surface: Surface;
  refs: TeamsRefs;
  log: AppLogger;
  nameOf: NameOf;
  /** Fetching shared files for evidence (handlers/evidence-files.ts); Graph in channel mode. */
  files?: TeamsFileAccess;
}

export function teamsContext(o: {
  app: IncidentApp;
  refs: TeamsRefs;
  logger: AppLogger;
  stakeholders: boolean;
}): TeamsContext {
  const nameOf: NameOf = (id) => (id ? o.refs.nameOf(id) : undefined);
  return {
    app: o.app,
    refs: o.refs,
    log: o.logger,
    nameOf,
    surface: {
      platform: 'teams',
      stakeholders: { configured: o.stakeholders, setting: 'TEAMS_STAKEHOLDER_CHANNEL' },
      nameOf: (id) => nameOf(id),
    },
  };
}

export function actorOf(a: Json): Actor {
  const id = String(a.from?.aadObjectId ?? a.from?.id ?? 'unknown');
  return a.from?.name ? { platform: 'teams', id, name: String(a.from.name) } : { platform: 'teams', id };
}

/**
 * People for a picker: a pre-selected person, the incident's role holders and members (its declarer and
 * the people added to it), then people seen recently (`seen` of them; the typeahead searches more).
 */
export function peopleFor(
  ctx: TeamsContext,
  incident: Incident | null,
  selected?: unknown,
  seen = 20,
): PersonChoice[] {
  const out: PersonChoice[] = [];
  const add = (id: string | undefined) => {
    if (!id || out.some((p) => p.userId === id)) return;
    const name = ctx.nameOf(id);
    if (name) out.push({ userId: id, name });
  };
  if (typeof selected === 'string') add(selected);
  for (const held of Object.values(incident?.roles ?? {})) for (const id of held) add(id);
  add(incident?.declaredBy);
  for (const id of incident?.members ?? []) add(id);
  for (const p of ctx.refs.people(seen)) add(p.userId);
  return out;
}

/** The incident a request is about: the key its card carries, else the conversation's. */
export function incidentFor(
  ctx: TeamsContext,
  conversationId: string | undefined,
  incidentKey?: unknown,
): Incident | null {
  if (typeof incidentKey === 'string' && incidentKey) return ctx.app.incident(incidentKey);
  return ctx.app.incidentInRoom('teams', conversationId);
}
