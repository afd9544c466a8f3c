// The local console's delivered messages (ConsolePost): appended by its sender, read by its pages.
import type { ConsoleFeed, ConsolePost } from '../../app/ports.js';
import type { Db } from './open-database.js';

interface Row {
  id: number;
  incident_key: string;
  target: string;
  at: string;
  view: string;
}

export class ConsoleFeedStore implements ConsoleFeed {
  constructor(private readonly db: Db) {}

  append(p: { outboxKey: string; incidentKey: string; to: string; at: Date; view: string }): boolean {
    const r = this.db
      .prepare(
        'INSERT INTO console_posts (outbox_key, incident_key, target, at, view) VALUES (?, ?, ?, ?, ?) ON CONFLICT(outbox_key) DO NOTHING',
      )
      .run(p.outboxKey, p.incidentKey, p.to, p.at.toISOString(), p.view);
    return r.changes > 0;
  }

  list(incidentKey: string | null, to: string, limit: number): ConsolePost[] {
    const rows = (
      incidentKey === null
        ? this.db
            .prepare('SELECT * FROM console_posts WHERE target = ? ORDER BY id DESC LIMIT ?')
            .all(to, limit)
        : this.db
            .prepare(
              'SELECT * FROM console_posts WHERE target = ? AND incident_key = ? ORDER BY id DESC LIMIT ?',
            )
            .all(to, incidentKey, limit)
    ) as Row[];
    return rows.reverse().map((r) => ({
      id: r.id,
      incidentKey: r.incident_key,
      to: r.target,
      at: r.at,
      view: r.view,
    }));
  }
}
