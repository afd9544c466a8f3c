// The application layer every platform calls: find the incident, run a command (the one runner: an
// exception is a polite refusal and nothing is stored), ask whether a command would be refused, and the
// de-duplication of inbound deliveries. Forms, text commands, buttons and the record build on it
// (./form-flow.ts, ./text-commands.ts, ./buttons.ts, ./record.ts).
import type { Command } from '../domain/commands.js';
import type { DomainError } from '../domain/errors.js';
import type { Actor, Incident, Platform } from '../domain/incident.js';
import { isMember, notMemberText, visibleTo } from '../domain/membership.js';
import type { Playbook } from '../domain/playbook.js';
import { refusalOf } from '../domain/queries.js';
import { BOT_ID, type Text } from '../domain/text.js';
import type { AlertStore } from './alert-ports.js';
import { type Answer, answerFor, failureAnswer, type Outcome } from './answers.js';
import type { IncidentService } from './incident-service.js';
import { errorText } from './outage-log.js';
import {
  type AppLogger,
  type Atomically,
  type CommandOutcome,
  type ExportRenderer,
  type InboundDedupe,
  type LogRow,
  type MessageRefs,
  type StorageFailure,
  silentLogger,
} from './ports.js';
import { enclosingRoom, inRoom } from './room-match.js';

export interface AppDeps {
  service: IncidentService;
  dispatcher: { kick(): void };
  dedupe: InboundDedupe;
  refs: MessageRefs;
  renderExport: ExportRenderer;
  /** Tells a busy database from one that cannot be written from anything else (storage knows its codes). */
  classifyFailure: (e: unknown) => StorageFailure;
  logger?: AppLogger;
  /** Called with the incident a request is about, once known (the request log binds it to every line). */
  onIncident?: (key: string | null) => void;
  /** Called when a command is refused because the record was changed outside the bot (an alarm). */
  onTampered?: () => void;
  /**
   * Alert groups (issue 21): the store, and one transaction spanning an incident command and the group's
   * decision (the same database), so a prompt's Declare never leaves an incident without its group settled.
   */
  alerts?: { store: AlertStore; atomically?: Atomically };
}

/** What the application layer needs to know about the platform a request came from. */
export interface Surface {
  platform: Platform;
  /** Whether a stakeholder channel is configured, and the setting that configures it. */
  stakeholders: { configured: boolean; setting: string };
  /** Display names the platform knows. */
  nameOf(userId: string): string | undefined;
  /**
   * The rooms (channel ids) a person is in, as the platform says; null when it cannot say (or too slowly).
   * Used when the bot does not know yet that someone is in an incident (see membership.ts).
   */
  roomsOf?(userId: string): Promise<string[] | null>;
}

/** Who asks, under which idempotency key, from which room. */
export interface Request {
  actor: Actor;
  key: string;
  roomId?: string;
  /** The platform delivery that carried it, recorded with the command it runs (see ./inbound.ts). */
  sighting?: string;
}

/** The bot itself as the actor of what it records on its own (a room created, a reminder). */
export function botActor(platform: Platform): Actor {
  return { platform, id: BOT_ID, name: 'Incident bot' };
}

export interface RunRequest {
  key: string;
  incidentKey: string | null;
  command: Command;
  actor: Actor;
  /** Where it came from (the incident's own room makes the person a member). */
  roomId?: string;
  /** The delivery that carried it, seen in the command's own transaction (see ./inbound.ts). */
  sighting?: string;
}

export class IncidentApp {
  readonly log: AppLogger;

  constructor(readonly deps: AppDeps) {
    this.log = deps.logger ?? silentLogger;
  }

  get service(): IncidentService {
    return this.deps.service;
  }

  now(): Date {
    return this.deps.service.now();
  }

  playbookFor(incident: Incident | null): Playbook {
    return this.deps.service.playbookFor(incident);
  }

  incident(key: string): Incident | null {
    return this.deps.service.store.get(key);
  }

  /** The incident worked in a room (its own, or the fallback room). */
  incidentInRoom(platform: Platform, roomId: string | undefined): Incident | null {
    if (!roomId) return null;
    // A post in a room that is a whole channel (Teams channel mode) is found through its channel.
    const enclosing = enclosingRoom(roomId);
    return (
      this.deps.service.store.findByRoom(platform, roomId) ??
      (enclosing ? this.deps.service.store.findByRoom(platform, enclosing) : null)
    );
  }

  openIncidents(): Incident[] {
    return this.deps.service.store.listOpen();
  }

  /** See IncidentRepo.keyLogEntries. */
  keyLogEntries(incidentKey: string, kinds: readonly string[], recent: number) {
    return this.deps.service.store.keyLogEntries(incidentKey, kinds, recent);
  }

  logEntries(incidentKey: string): LogRow[] {
    return this.deps.service.store.logEntries(incidentKey);
  }

  activeIncidents(): Incident[] {
    return this.deps.service.store.listActive();
  }

  /**
   * Runs a command. An exception (the transaction rolled back, nothing was stored) is logged and answered as
   * a busy database, one that cannot be written, or "something went wrong", so "try again" is safe. A change
   * kicks the outbox dispatcher.
   */
  run(req: RunRequest): Outcome {
    this.deps.onIncident?.(req.incidentKey);
    try {
      const outcome = this.deps.service.handle(req);
      if (outcome.ok) this.deps.onIncident?.(outcome.incident.key);
      if (outcome.ok && !outcome.replay) this.deps.dispatcher.kick();
      return outcome;
    } catch (e) {
      const kind = this.deps.classifyFailure(e);
      const fields = { err: e, key: req.key, command: req.command.type };
      if (kind === 'busy') this.log.warn(fields, 'database busy; command not saved');
      else if (kind === 'unavailable')
        // Every request is refused while the connection is down: one line each, no stack (nothing to debug).
        this.log.warn(
          { key: req.key, command: req.command.type, error: errorText(e) },
          'database unavailable; command not saved',
        );
      else if (kind === 'uncertain')
        // The connection went at COMMIT: the person is told to check the timeline; the log says the same.
        this.log.warn(
          { key: req.key, command: req.command.type, error: errorText(e) },
          'database connection lost at commit; the command may have been saved',
        );
      else if (kind === 'integrity') {
        this.log.error(fields, 'AUDIT ALERT: the record was changed outside the bot; command refused');
        this.deps.onTampered?.();
      } else this.log.error(fields, 'command failed');
      return {
        ok: false,
        error: { code: 'conflict', message: failureAnswer(kind) },
        replay: false,
        incident: null,
        internal: true,
      };
    }
  }

  /**
   * Runs a command the bot issues on its own while delivering the outbox (a room created or failed). An
   * exception is thrown, not answered: the delivery is then retried, and the command's key makes the retry
   * a replay if the first attempt did commit.
   */
  runForDelivery(req: RunRequest): CommandOutcome {
    const outcome = this.deps.service.handle(req);
    if (outcome.ok && !outcome.replay) this.deps.dispatcher.kick();
    return outcome;
  }

  /** Runs a command and says what to tell whom. */
  act(req: RunRequest): { outcome: Outcome; answer: Answer } {
    const outcome = this.run(req);
    return { outcome, answer: answerFor(outcome, req.actor.id) };
  }

  /** Whether the actor may issue this command on this incident at all (asked before a form opens). */
  refusal(incident: Incident, command: Command, actor: Actor, roomId?: string): DomainError | null {
    return refusalOf(incident, command, this.contextIn(incident, actor, roomId));
  }

  private contextIn(incident: Incident, actor: Actor, roomId?: string) {
    return {
      ...this.deps.service.contextFor(incident, actor),
      inRoom: inRoom(incident.room?.id, roomId),
    };
  }

  /** Whether the actor may read the incident's record: a member, or someone acting in its room. */
  mayRead(incident: Incident, actor: Actor, roomId?: string): boolean {
    const ctx = this.contextIn(incident, actor, roomId);
    return ctx.inRoom || isMember(incident, actor.id, ctx);
  }

  /** Whether the incident is shown to this person at all (lists, pickers): confidential ones to members only. */
  shows(incident: Incident, actor: Actor): boolean {
    return visibleTo(incident, actor.id, this.deps.service.contextFor(incident, actor));
  }

  /** What a non-member is told (a confidential incident is not named). */
  notMember(incident: Incident): Text {
    return notMemberText(incident, this.playbookFor(incident).commanderRole);
  }

  /** Inbound de-duplication: true the first time a delivery id is seen. Throws when the database does. */
  firstSighting(id: string): boolean {
    return this.deps.dedupe.firstSighting(id, this.now());
  }

  /** Forgets a delivery id whose handling failed, so its redelivery is handled; never throws. */
  forgetSighting(id: string): void {
    try {
      this.deps.dedupe.forgetSighting(id);
    } catch (e) {
      // no stack when the database is unreachable (it is then refused for every request alike)
      const err = this.deps.classifyFailure(e) === 'unavailable' ? { error: errorText(e) } : { err: e };
      this.log.warn({ ...err, id }, 'could not forget an inbound id; its redelivery will be dropped');
    }
  }

  /** The sentence for an exception outside a command (nothing was stored). */
  failure(e: unknown): string {
    return failureAnswer(this.deps.classifyFailure(e));
  }
}
