// Handles one command against the store with the playbook the incident runs under (pinned at declaration).

import type { Command } from '../domain/commands.js';
import { type DecideContext, decide } from '../domain/decide.js';
import type { Actor, Incident, TrackerName } from '../domain/incident.js';
import type { PagingMode } from '../domain/paging.js';
import { DEFAULT_LIMITS, type Playbook, type PlaybookRef } from '../domain/playbook.js';
import { withoutControlsDeep } from '../domain/text.js';
import { logWriters } from './log-writers.js';
import { type CommandOutcome, ConflictError, type IncidentRepo } from './ports.js';
import { inRoom } from './room-match.js';

export interface HandleRequest {
  key: string;
  incidentKey: string | null;
  command: Command;
  actor: Actor;
  now?: Date;
  /** Where the request came from: acting in the incident's own room makes the person a member. */
  roomId?: string;
  /** The inbound delivery that carried it (CommandRequest.sighting). */
  sighting?: string;
}

/** The request with control characters dropped from the command's and the actor's strings (see withoutControls). */
function cleanRequest(req: HandleRequest): HandleRequest {
  return { ...req, command: withoutControlsDeep(req.command), actor: withoutControlsDeep(req.actor) };
}

export class IncidentService {
  private readonly listeners: ((o: CommandOutcome, r: HandleRequest) => void)[] = [];

  constructor(
    readonly store: IncidentRepo,
    readonly current: { playbook: Playbook; ref: PlaybookRef },
    private readonly opts: {
      admins?: string[];
      clock?: () => Date;
      /** The issue tracker follow-ups are filed in (none configured: they stay in the bot). */
      tracker?: TrackerName;
      /** Reads the environment variables playbook actions reference (none given: no action is configured). */
      env?: (name: string) => string | undefined;
      /** Where debriefs are held (DEBRIEF_MEETING_URL), put in their invitations. */
      debriefMeetingUrl?: string;
      /** How the on-call is paged (config-paging.ts; the local console rehearses); absent: not configured. */
      paging?: PagingMode;
    } = {},
  ) {
    store.savePlaybook(current.playbook, current.ref.sha256, this.now());
  }

  /** Whether an environment variable a playbook action references is set (its value never leaves here). */
  readonly isSet = (name: string): boolean => Boolean(this.opts.env?.(name));

  now(): Date {
    return this.opts.clock ? this.opts.clock() : new Date();
  }

  /** How the on-call is paged; undefined when paging is not configured. */
  get paging(): PagingMode | undefined {
    return this.opts.paging;
  }

  /** Called after every command that changed something (the dispatcher is kicked from here). */
  onChange(fn: (o: CommandOutcome, r: HandleRequest) => void): void {
    this.listeners.push(fn);
  }

  /** The playbook an incident runs under: the version it was declared with, even after the file changed. */
  playbookFor(incident: Incident | null): Playbook {
    if (!incident || incident.playbook.sha256 === this.current.ref.sha256) return this.current.playbook;
    return this.store.playbookBySha(incident.playbook.sha256) ?? this.current.playbook;
  }

  handle(request: HandleRequest): CommandOutcome {
    // Every command passes here, from every platform, the console, the CLI and the alert intake: user text
    // (and a display name) loses its control characters once, here, before it is decided on or stored.
    const req = cleanRequest(request);
    const now = req.now ?? this.now();
    const run = () =>
      this.store.run({ ...req, now }, (incident, nextKey) => {
        const command = req.command.type === 'declare' ? { ...req.command, key: nextKey() } : req.command;
        return decide(incident, command, {
          actor: req.actor,
          now,
          playbook: this.playbookFor(incident),
          playbookRef: this.current.ref,
          admins: this.opts.admins ?? [],
          inRoom: inRoom(incident?.room?.id, req.roomId),
          ...(this.opts.tracker ? { tracker: this.opts.tracker } : {}),
          isSet: this.isSet,
          ...(this.opts.paging ? { paging: this.opts.paging } : {}),
          ...this.debriefContext(incident, req.command),
          ...(req.command.type === 'declare'
            ? { recentDeclarations: this.recentDeclarations(req.actor.id, now) }
            : {}),
        });
      });
    let outcome: CommandOutcome;
    try {
      outcome = run();
    } catch (e) {
      // A concurrent writer changed the incident between our read and write: decide again on the new state.
      if (e instanceof ConflictError) outcome = run();
      else throw e;
    }
    if (outcome.ok && !outcome.replay) for (const l of this.listeners) l(outcome, req);
    return outcome;
  }

  /**
   * What scheduling a debrief needs (a close, or a stand-down owing a review): who wrote in the log, read
   * inside the transaction, and where debriefs are held.
   */
  private debriefContext(incident: Incident | null, command: Command): Partial<DecideContext> {
    if (!incident || (command.type !== 'close' && command.type !== 'stand_down')) return {};
    return {
      logWriters: logWriters(this.store.logEntries(incident.key)),
      ...(this.opts.debriefMeetingUrl ? { debriefMeetingUrl: this.opts.debriefMeetingUrl } : {}),
    };
  }

  /** What `user` declared within the playbook's longest limit window (read inside the transaction). */
  private recentDeclarations(user: string, now: Date) {
    const l = this.current.playbook.limits ?? DEFAULT_LIMITS;
    const minutes = Math.max(l.declarePerPerson.minutes, l.duplicateTitleMinutes);
    return this.store
      .declaredBy(user, new Date(now.getTime() - minutes * 60_000))
      .map((i) => ({ key: i.key, title: i.title, declaredAt: i.declaredAt }));
  }

  get(key: string): Incident | null {
    return this.store.get(key);
  }

  /** What decide is given for this actor and incident now (the incident's pinned playbook, the admins). */
  contextFor(incident: Incident | null, actor: Actor): DecideContext {
    return {
      actor,
      now: this.now(),
      playbook: this.playbookFor(incident),
      admins: this.opts.admins ?? [],
      isSet: this.isSet,
      ...(this.opts.paging ? { paging: this.opts.paging } : {}),
    };
  }
}
