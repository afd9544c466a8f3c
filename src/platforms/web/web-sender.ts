// Delivers the outbox to the local console: the room is made by recording `room_created` (the console
// needs nothing else), live views are rendered from the incident's state when a page asks (delivery only
// tells open pages to refresh), and a post is kept in the console feed as it was rendered, once per
// outbox row, then pushed to open pages.
import { botActor, type IncidentApp } from '../../app/incident-app.js';
import {
  type ConsoleFeed,
  NO_ROOM,
  NOT_A_CHAT_TARGET,
  type OutboxRow,
  type Sender,
  type SendResult,
} from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import { postView } from '../../views/posts.js';
import { audienceOf } from './context.js';
import type { LiveHub } from './live.js';

const BOT = botActor('web');

/** The console room of an incident (the record's room id). */
export const roomIdOf = (incidentKey: string) => `room-${incidentKey}`;

export class WebSender implements Sender {
  constructor(private readonly o: { app: IncidentApp; feed: ConsoleFeed; live: LiveHub }) {}

  async send(row: OutboxRow, incident: Incident): Promise<SendResult> {
    const body = row.body;
    switch (body.kind) {
      case 'create_room':
        return this.createRoom(incident);
      case 'view':
        this.o.live.publish({ incident: incident.key }, audienceOf(this.o.app, incident));
        return { status: 'sent', result: { refreshed: body.view } };
      case 'invite':
        return { status: 'sent', result: { skipped: 'the console room is open to the local people' } };
      case 'archive_room':
        return { status: 'sent', result: { skipped: 'the console room is kept' } };
      case 'post': {
        const t = row.target;
        if (t.to === 'audit') return { status: 'failed', error: 'no audit channel in local mode' };
        if (t.to === 'service') return { status: 'failed', error: NOT_A_CHAT_TARGET };
        if (t.to === 'room' && !incident.room) return { status: 'failed', error: NO_ROOM };
        const to = t.to === 'user' ? `user:${t.user}` : t.to;
        const view = postView(body.template, body.data, incident, this.o.app.playbookFor(incident));
        const added = this.o.feed.append({
          outboxKey: row.key,
          incidentKey: incident.key,
          to,
          at: this.o.app.now(),
          view: JSON.stringify(view),
        });
        if (t.to === 'user') this.o.live.publish({ user: t.user }, (p) => p === t.user);
        else if (t.to === 'stakeholders') this.o.live.publish({ stakeholders: true });
        else this.o.live.publish({ incident: incident.key }, audienceOf(this.o.app, incident));
        return { status: 'sent', result: added ? { to } : { to, already: true } };
      }
      default:
        // calls to outside services (actions, the tracker) are routed to their own senders, never here
        return { status: 'failed', error: NOT_A_CHAT_TARGET };
    }
  }

  private createRoom(incident: Incident): SendResult {
    if (incident.room && !incident.room.fallback) return { status: 'sent', result: { note: 'room exists' } };
    const r = this.o.app.runForDelivery({
      key: `web:room:${incident.key}`,
      incidentKey: incident.key,
      command: {
        type: 'room_created',
        platform: 'web',
        roomId: roomIdOf(incident.key),
        // Short, like a channel name: the templates write "in #<room>".
        name: incident.key,
      },
      actor: BOT,
    });
    this.o.live.publish({ incident: incident.key }, audienceOf(this.o.app, incident));
    return { status: 'sent', result: { roomId: roomIdOf(incident.key), ok: r.ok } };
  }
}
