// Child process for migrate-lock.test.ts: one replica starting on an empty database. It connects (with the
// statement timeout given: a short one shows that migrating is bound by none), migrates, and prints the
// versions it applied as one JSON line.
import { migratePostgres } from '../../../src/storage/postgres/migrate.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';

const [url, timeout] = process.argv.slice(2) as [string, string];
const db = await openPostgres(url, { migrate: false, statementTimeoutMs: Number(timeout), waitMs: 10_000 });
try {
  process.stdout.write(`${JSON.stringify(migratePostgres(db))}\n`);
} finally {
  await db.close();
}
