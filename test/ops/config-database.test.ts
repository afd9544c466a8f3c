// DATABASE_URL: a postgres:// URL selects PostgreSQL; anything else is refused naming the setting (never
// echoing the value: it may hold a password); local mode stays on its own SQLite file and says so.
import { describe, expect, it } from 'vitest';
import { localMode, localModeIgnores, readConfig } from '../../src/config.js';

describe('DATABASE_URL', () => {
  it('postgres:// and postgresql:// are taken; unset means SQLite at DATABASE_PATH', () => {
    expect(readConfig({ DATABASE_URL: 'postgres://u:p@db:5432/bot' }).DATABASE_URL).toBe(
      'postgres://u:p@db:5432/bot',
    );
    expect(readConfig({ DATABASE_URL: 'postgresql://db/bot' }).DATABASE_URL).toBe('postgresql://db/bot');
    const c = readConfig({ DATABASE_URL: '  ' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DATABASE_CONNECT_TIMEOUT_SECONDS).toBe(30);
  });

  it('another scheme is refused with what to do, and the value (a password) is not repeated', () => {
    for (const [url, said] of [
      ['mysql://root:hunter2@db/bot', 'this one is mysql:'],
      ['./data/bot.db', 'this one is not a URL'],
    ] as const) {
      let message = '';
      try {
        readConfig({ DATABASE_URL: url });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('DATABASE_URL must be a PostgreSQL connection string');
      expect(message).toContain(said);
      expect(message).toContain('DATABASE_PATH');
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('data/bot.db');
    }
  });

  it('the connection wait is a number of seconds', () => {
    expect(readConfig({ DATABASE_CONNECT_TIMEOUT_SECONDS: '5' }).DATABASE_CONNECT_TIMEOUT_SECONDS).toBe(5);
    expect(() => readConfig({ DATABASE_CONNECT_TIMEOUT_SECONDS: 'soon' })).toThrow(
      /DATABASE_CONNECT_TIMEOUT_SECONDS/,
    );
  });

  it('local mode ignores it (drills stay on the local SQLite file) and says so', () => {
    const c = readConfig({ DATABASE_URL: 'postgres://u:secret@db/bot' });
    const local = localMode(c, {});
    expect(local?.DATABASE_URL).toBeUndefined();
    expect(local?.DATABASE_PATH).toBe('./data/local.db');
    const said = localModeIgnores(c);
    expect(said).toMatch(/local mode ignores DATABASE_URL/);
    expect(said).not.toContain('secret');
    expect(localModeIgnores(readConfig({}))).toBeNull();
  });
});
