// `incident-bot drill FILE`: plays a scripted drill (playbooks/drills) headless, through the bot in local
// mode (the same composition root, the console platform, its outbox and reminder pass) on a fresh local
// database, then writes the incident's review export next to it. Never in production.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runDrill } from '../app/drill-runner.js';
import { LOCAL_PEOPLE } from '../app/local-people.js';
import { exportFiles } from '../app/record.js';
import { startBot } from '../bot.js';
import { localMode, readConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { DrillError, loadDrill } from '../storage/drill-file.js';
import { type CliResult, ok, parse, result, str, UsageError } from './args.js';

const stamp = (d: Date) => d.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');

export async function drillCommand(args: string[], env: NodeJS.ProcessEnv, help: string): Promise<CliResult> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, db: { type: 'string' } }, 1);
  if (values.help) return ok(help);
  const file = positionals[0];
  if (!file)
    throw new UsageError('Say which drill to play, e.g. "drill playbooks/drills/severe-outage.yaml".');
  if (env.NODE_ENV === 'production')
    return result(2, 'Drills run in local mode only, never with NODE_ENV=production.');
  let drill: ReturnType<typeof loadDrill>;
  try {
    drill = loadDrill(
      file,
      LOCAL_PEOPLE.map((p) => p.id),
    );
  } catch (e) {
    if (e instanceof DrillError)
      return result(2, `${e.file}:\n${e.errors.map((x) => `  - ${x}`).join('\n')}`);
    throw e;
  }
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  const base = path.join('data', 'drills', `${name}-${stamp(new Date())}`);
  const dbPath = str(values.db) ?? `${base}.db`;
  const outDir = str(values.out) ?? base;
  if (existsSync(dbPath))
    return result(2, `${dbPath} exists: a drill plays on a fresh database (give another --db).`);

  const config = localMode(
    readConfig({ ...env, PORT: '0', LOCAL_DATABASE_PATH: dbPath, LOG_LEVEL: 'silent', OUTBOX_PACE_MS: '0' }),
    { HOST: '', LOG_LEVEL: 'silent', OUTBOX_PACE_MS: '0' },
  );
  if (!config) return result(2, 'A drill plays in local mode: unset the Slack and Teams settings for it.');
  const bot = await startBot(config, createLogger({ level: 'silent', pretty: false }), {
    local: true,
    scheduler: false,
    dispatchIntervalMs: 50,
  });
  try {
    const web = bot.console!.web.context;
    const run = await runDrill({ app: bot.app, surface: web.surface, ...web.local }, drill);
    const lines = run.steps.map(
      (s) => `${s.ok ? 'ok  ' : 'FAIL'} ${String(s.n).padStart(2)}. ${s.as ?? 'clock'} ${s.what}`,
    );
    const incident = run.incidentKey ? bot.app.incident(run.incidentKey) : null;
    if (!run.ok || !incident)
      return result(
        1,
        [...lines, '', `The drill stopped: ${run.error ?? 'nothing was declared'}.`].join('\n'),
      );
    await bot.dispatcher.drain(5000);
    const files = await exportFiles(bot.app, incident, { withData: true });
    if (!files.ok) return result(1, [...lines, '', `The export failed: ${files.text}`].join('\n'));
    mkdirSync(outDir, { recursive: true });
    const written = [files.files.markdown, files.files.svg, files.files.csv, files.files.jsonl]
      .filter((f) => f !== undefined)
      .map((f) => {
        const to = path.join(outDir, f.name);
        writeFileSync(to, f.content, { flag: 'wx' });
        return to;
      });
    return ok(
      [
        `${drill.title}: ${run.steps.length} steps, all accepted; ${incident.key} ${incident.closedAt ? 'closed' : 'still open'}${incident.review ? ', review recorded' : ''}.`,
        ...lines,
        '',
        `Review export: ${written.join(', ')}`,
        `Database: ${dbPath} (open it in the console: LOCAL_DATABASE_PATH=${dbPath} npm start)`,
      ].join('\n'),
    );
  } finally {
    await bot.shutdown(2);
  }
}
