// What every console route shares: the application layer, the feed of delivered posts, live updates,
// the notices owed to each person (the console's "only you can see this"), and local mode's controls.
import { randomUUID } from 'node:crypto';
import type { Request as HttpRequest } from 'express';
import type { DrillClock } from '../../app/drill-clock.js';
import type { IncidentApp, Request, Surface } from '../../app/incident-app.js';
import { type LocalPerson, localActor, localPerson } from '../../app/local-people.js';
import type { ConsoleFeed } from '../../app/ports.js';
import type { Drill } from '../../domain/drill.js';
import type { Incident } from '../../domain/incident.js';
import type { LiveHub } from './live.js';
import { incidentPath, type RenderCtx } from './render/buttons.js';
import { type Html, nameOf, type RoomLink } from './render/html.js';
import type { PageChrome } from './render/page.js';
import { me } from './session.js';

/** Local mode's own controls, wired by the composition root. */
export interface LocalControls {
  clock: DrillClock;
  /** Runs the reminder pass at the clock's time; the number of reminders claimed. */
  afterForward(): Promise<number>;
  /** `incident-bot audit verify` on the local database: whether it holds, and the report. */
  verifyAudit(): Promise<{ ok: boolean; text: string }>;
  /** Delivers what is owed now (a drill step waits for its room and posts). */
  settle(): Promise<void>;
  /** The scripted drills (playbooks/drills). */
  drills: {
    list(): DrillInfo[];
    /** The drill, or why it cannot be played. */
    load(name: string): Drill | { error: string };
  };
}

export interface DrillInfo {
  name: string;
  title: string;
  description: string;
  error?: string;
}

/** What each person is owed to read once (answers to their actions, warnings about them). */
export class Notices {
  private readonly byUser = new Map<string, Html[]>();

  add(user: string, html: Html): void {
    const list = this.byUser.get(user) ?? [];
    list.push(html);
    this.byUser.set(user, list.slice(-20));
  }

  take(user: string): Html[] {
    const list = this.byUser.get(user) ?? [];
    this.byUser.delete(user);
    return list;
  }
}

export interface WebContext {
  app: IncidentApp;
  surface: Surface;
  feed: ConsoleFeed;
  live: LiveHub;
  notices: Notices;
  local: LocalControls;
}

export function webSurface(): Surface {
  return {
    platform: 'web',
    // The console has its own stakeholder channel page (/stakeholders).
    stakeholders: { configured: true, setting: 'the console' },
    nameOf: (id) => nameOf(id),
  };
}

/**
 * A room token links to the incident worked in it. A confidential incident's room is not named (the text
 * may be read by someone outside it, e.g. on the stakeholder channel page): its members have the list.
 */
export function roomLinkOf(ctx: WebContext): RoomLink {
  return (roomId) => {
    const i = ctx.app.incidentInRoom('web', roomId);
    if (!i) return null;
    return i.confidential
      ? { href: '/', name: 'a private room' }
      : { href: incidentPath(i.key), name: i.key };
  };
}

/** Who may hear that this incident changed: everyone, or a confidential incident's members. */
export function audienceOf(app: IncidentApp, incident: Incident): (person: string) => boolean {
  return (person) => {
    const p = localPerson(person);
    return p !== undefined && app.shows(incident, localActor(p));
  };
}

export function renderCtx(incidentKey: string): RenderCtx {
  return { incidentKey, nonce: () => randomUUID() };
}

/**
 * The application request for an action: its idempotency key from the form (`_key`, minted when the page
 * was rendered: a double submit is one command), and the incident's room when the person may see it (the
 * console shows a room to whoever may see the incident, as a public channel would).
 */
export function appRequest(ctx: WebContext, req: HttpRequest, incident: Incident | null): Request {
  const person = me(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const key = typeof body._key === 'string' && /^[\w-]{8,80}$/.test(body._key) ? body._key : randomUUID();
  const actor = localActor(person);
  const roomId = incident?.room && ctx.app.shows(incident, actor) ? incident.room.id : undefined;
  // Scoped to the person and the action: a key reused by someone else, or on another incident or form (a
  // page sent again after switching person), is another command, never a replay of theirs.
  return { actor, key: `web:${person.id}:${req.path}:${key}`, ...(roomId ? { roomId } : {}) };
}

export function chrome(
  ctx: WebContext,
  req: HttpRequest,
  title: string,
  extra: Partial<PageChrome> = {},
): PageChrome & { me: LocalPerson } {
  const person = me(req);
  return {
    title,
    me: person,
    clock: { now: ctx.local.clock.now().toISOString(), aheadMinutes: ctx.local.clock.aheadMinutes() },
    path: req.originalUrl.split('?')[0] ?? '/',
    flash: ctx.notices.take(person.id),
    seen: ctx.live.latest,
    ...extra,
  };
}

/** A local path to go back to after a post (never another site). */
export function backTo(v: unknown, fallback = '/'): string {
  return typeof v === 'string' && /^\/(?!\/)[\w\-./%]*$/.test(v) ? v : fallback;
}
