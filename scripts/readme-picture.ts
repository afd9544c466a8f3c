// Draws docs/images/incident-summary.svg, the README's picture: the incident summary an incident room shows
// twelve minutes into an outage, from the real view model (summaryView) of an incident run through the
// real service on a throw-away database. Run after a change to the summary: `npx tsx scripts/readme-picture.ts`.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncidentService } from '../src/app/incident-service.js';
import { signerOf } from '../src/domain/audit/checkpoint.js';
import type { Command } from '../src/domain/commands.js';
import type { Actor } from '../src/domain/incident.js';
import { plainText, type Text } from '../src/domain/text.js';
import { loadPlaybook } from '../src/storage/playbook-file.js';
import { IncidentStore } from '../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../src/storage/sqlite/open-database.js';
import { summaryView } from '../src/views/summary.js';

const NAMES: Record<string, string> = { U_IC: 'Irene Chen', U_ALICE: 'Alice Moreau', U_BOB: 'Bob Okafor' };
const who = (id: string): Actor => ({ platform: 'slack', id });
const T0 = new Date('2026-11-26T09:58:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

export function drawSummary(): string {
  const pb = loadPlaybook();
  const db = openDatabase(':memory:');
  const store = new IncidentStore(db, {}, signerOf(generateKeyPairSync('ed25519').privateKey));
  const service = new IncidentService(store, { playbook: pb.playbook, ref: pb.ref }, { clock: () => T0 });
  let key: string | null = null;
  let n = 0;
  const run = (actor: string, min: number, command: Command) => {
    const r = service.handle({
      key: `pic:${++n}`,
      incidentKey: key,
      command,
      actor: who(actor),
      now: at(min),
      roomId: 'C0INC1',
    });
    if (!r.ok) throw new Error(`${command.type}: ${r.error.message}`);
    key = r.incident.key;
    return r.incident;
  };
  run('U_IC', 0, {
    type: 'declare',
    key: '',
    title: 'Kafka ingest down, prices stale',
    triggerClass: 'service_outage',
    impact: 'Market data prices are stale for all desks; the risk engine runs on cached data.',
    severeImpact: true,
    drill: false,
  });
  run('U_IC', 1, {
    type: 'room_created',
    platform: 'slack',
    roomId: 'C0INC1',
    name: 'inc-kafka-ingest-down',
    link: 'https://example.slack.com/archives/C0INC1',
  });
  run('U_ALICE', 2, { type: 'claim_role', role: 'technical_lead' });
  run('U_BOB', 3, { type: 'claim_role', role: 'comms_lead' });
  const incident = run('U_BOB', 8, {
    type: 'send_initial_alert',
    fields: {
      system: 'Ingest pipeline',
      summary: 'Kafka ingest is down.',
      start_time: '09:55 UTC',
      impact: 'Prices stale',
      actions: 'Failing over',
      next_update: '10:30 UTC',
      commander: 'Irene Chen',
    },
  });
  db.close();
  return svg(summaryView(incident, pb.playbook));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Plain text with people's names instead of ids, and links as their titles. */
const show = (t: Text) =>
  plainText(t)
    .replace(/@(U_[A-Z]+)/g, (_, id: string) => `@${NAMES[id] ?? id}`)
    .replace(/ \(https?:[^)]*\)/g, '');

function svg(v: ReturnType<typeof summaryView>): string {
  const rows: string[] = [];
  let y = 40;
  const line = (text: string, o: { size?: number; weight?: string; color?: string; x?: number } = {}) => {
    rows.push(
      `<text x="${o.x ?? 28}" y="${y}" font-size="${o.size ?? 14}" font-weight="${o.weight ?? 'normal'}" fill="${o.color ?? '#1d1c1d'}">${esc(text)}</text>`,
    );
  };
  line('incident-bot  APP  10:06', { size: 13, color: '#616061' });
  y += 26;
  line(show(v.heading), { size: 17, weight: 'bold' });
  y += 22;
  if (!show(v.heading).includes(show(v.title))) {
    line(show(v.title), { size: 15 });
    y += 22;
  }
  y += 8;
  for (const f of v.facts) {
    line(f.label, { weight: 'bold', size: 13 });
    line(show(f.value), { size: 13, x: 190 });
    y += 20;
  }
  y += 8;
  line(`Impact: ${show(v.impact)}`.slice(0, 100), { size: 13 });
  y += 28;
  line('Roles', { weight: 'bold' });
  y += 20;
  for (const r of v.roles) {
    const holders = r.holders.length ? r.holders.map((h) => NAMES[h] ?? h).join(', ') : 'open';
    line(`${r.name}${r.required ? ' *' : ''}`, { size: 13 });
    line(holders, { size: 13, x: 260, color: r.holders.length ? '#1d1c1d' : '#b01e1e' });
    y += 20;
  }
  y += 8;
  for (const s of v.status) {
    line(show(s).slice(0, 110), { size: 12, color: '#616061' });
    y += 18;
  }
  y += 12;
  let x = 28;
  for (const a of v.actions) {
    const w = a.label.length * 7.5 + 24;
    const primary = 'style' in a && a.style === 'primary';
    const danger = 'style' in a && a.style === 'danger';
    rows.push(
      `<rect x="${x}" y="${y - 18}" width="${w}" height="28" rx="4" fill="${primary ? '#007a5a' : '#fff'}" stroke="${danger ? '#b01e1e' : '#bbb'}"/>`,
      `<text x="${x + 12}" y="${y + 1}" font-size="13" font-weight="bold" fill="${primary ? '#fff' : danger ? '#b01e1e' : '#1d1c1d'}">${esc(a.label)}</text>`,
    );
    x += w + 8;
    if (x > 620) {
      x = 28;
      y += 38;
    }
  }
  const height = y + 40;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${height}" viewBox="0 0 760 ${height}" font-family="Lato, Helvetica, Arial, sans-serif">
<rect width="760" height="${height}" fill="#ffffff" stroke="#dddddd"/>
<rect x="0" y="0" width="6" height="${height}" fill="#b22222"/>
${rows.join('\n')}
</svg>
`;
}

if (process.argv[1]?.endsWith('readme-picture.ts')) {
  const dir = join(import.meta.dirname, '..', 'docs', 'images');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'incident-summary.svg'), drawSummary());
  console.log('wrote docs/images/incident-summary.svg');
}
