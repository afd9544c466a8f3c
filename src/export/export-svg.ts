// The phase timeline as a standalone SVG, built as text (no browser): one lane per phase, one
// <rect class="phase"> per phase span, markers for communications (class="update") and role changes
// (class="role"), and a UTC time axis. Deterministic: the right edge is the last recorded instant
// unless `end` is given (e.g. "now" for an incident still open).
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { phaseName, roleName, templateName, utc } from './format.js';

export interface SvgOptions {
  /** Right edge of the axis (ISO); open phase spans run to it. Defaults to the last recorded time. */
  end?: string;
  width?: number;
}

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

const MINUTE = 60_000;
const STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 43200];

const n = (x: number) => (Math.round(x * 10) / 10).toString();

/** All instants the timeline shows, for the axis range. */
function instants(i: Incident): number[] {
  const out = [i.declaredAt, i.closedAt, i.reviewedAt];
  for (const s of i.phases) out.push(s.enteredAt, s.leftAt);
  for (const c of i.communications) out.push(c.at);
  for (const r of i.roleHistory) out.push(r.at);
  return out
    .filter((x): x is string => !!x)
    .map((x) => Date.parse(x))
    .filter((t) => Number.isFinite(t));
}

function ticks(start: number, end: number): { step: number; at: number[] } {
  const range = end - start;
  const stepMin = STEPS_MIN.find((s) => range / (s * MINUTE) <= 8) ?? STEPS_MIN.at(-1)!;
  const step = stepMin * MINUTE;
  const at: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) at.push(t);
  return { step, at };
}

function tickLabel(t: number, step: number, prev: number | null): string {
  const iso = new Date(t).toISOString();
  const day = iso.slice(5, 10);
  const hm = iso.slice(11, 16);
  if (step >= 1440 * MINUTE) return day;
  const sameDay = prev !== null && new Date(prev).toISOString().slice(0, 10) === iso.slice(0, 10);
  return sameDay ? hm : `${day} ${hm}`;
}

export function renderPhaseSvg(incident: Incident, playbook: Playbook, opts: SvgOptions = {}): string {
  const width = opts.width ?? 960;
  const left = 200;
  const right = 40;
  const top = 56;
  const lane = 28;
  const bar = 18;
  const plotW = width - left - right;

  const all = instants(incident);
  if (opts.end) all.push(Date.parse(opts.end));
  const start = Date.parse(incident.declaredAt);
  let end = Math.max(start, ...all);
  if (end - start < MINUTE) end = start + MINUTE;
  const endIso = new Date(end).toISOString();

  // The response (declaration to closure) gets most of the width; a long tail after closure (the
  // review, days later) is drawn compressed after an axis break, so the response phases stay readable.
  const closed = incident.closedAt ? Date.parse(incident.closedAt) : Number.NaN;
  const broken = Number.isFinite(closed) && closed > start && end - closed > (closed - start) * 0.25;
  const split = broken ? closed : end;
  const gap = broken ? 14 : 0;
  const mainW = broken ? Math.round(plotW * 0.8) : plotW;
  const tailW = plotW - mainW - gap;
  const xt = (t: number) =>
    t <= split
      ? left + ((t - start) / (split - start)) * mainW
      : left + mainW + gap + ((t - split) / (end - split)) * tailW;
  const x = (iso: string) => xt(Date.parse(iso));

  // Lanes: the playbook's phases that the incident went through, in playbook order.
  const visited = new Set(incident.phases.map((s) => s.phase));
  const lanes = playbook.phases.filter((p) => visited.has(p.id)).map((p) => p.id);
  for (const s of incident.phases) if (!lanes.includes(s.phase)) lanes.push(s.phase);
  const laneY = (id: string) => top + lanes.indexOf(id) * lane;

  const updatesY = top + lanes.length * lane + 8;
  const rolesY = updatesY + lane;
  const axisY = rolesY + lane;
  const height = axisY + 48;

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  const title = `${incident.drill ? 'DRILL ' : ''}${incident.key}: ${incident.title}`;
  out.push(`<title>${xmlEscape(`${title} - phase timeline (UTC)`)}</title>`);
  out.push(
    '<style>.phase{fill:#4a78c2}.phase.back{fill:#c2784a}.update{fill:#2e9e5b}.role{fill:#8e44ad}.grid{stroke:#ddd}.axis{stroke:#333}.label{fill:#222}.tick{fill:#555;font-size:11px}</style>',
  );
  out.push(`<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text class="label" x="12" y="24" font-size="15" font-weight="bold">${xmlEscape(title)}</text>`);
  out.push(
    `<text class="tick" x="12" y="42">${xmlEscape(`Phase timeline, ${utc(incident.declaredAt)} to ${utc(endIso)} UTC`)}</text>`,
  );

  // Grid and axis.
  const { step, at } = ticks(start, split);
  let prev: number | null = null;
  for (const t of at) {
    const tx = xt(t);
    out.push(`<line class="grid" x1="${n(tx)}" y1="${top - 4}" x2="${n(tx)}" y2="${axisY}"/>`);
    out.push(
      `<text class="tick" x="${n(tx)}" y="${axisY + 16}" text-anchor="middle">${xmlEscape(tickLabel(t, step, prev))}</text>`,
    );
    prev = t;
  }
  out.push(`<line class="axis" x1="${left}" y1="${axisY}" x2="${left + mainW}" y2="${axisY}"/>`);
  if (broken) {
    // Axis break, then the compressed tail with its end labelled.
    const bx = left + mainW + gap / 2;
    out.push(
      `<path class="axis" fill="none" d="M${n(bx - 6)} ${axisY + 5} L${n(bx - 2)} ${axisY - 5} M${n(bx + 2)} ${axisY + 5} L${n(bx + 6)} ${axisY - 5}"/>`,
    );
    out.push(
      `<line class="axis" x1="${left + mainW + gap}" y1="${axisY}" x2="${left + plotW}" y2="${axisY}"/>`,
    );
    out.push(
      `<text class="tick" x="${left + plotW}" y="${axisY + 16}" text-anchor="end">${xmlEscape(tickLabel(end, MINUTE, null))}</text>`,
    );
    out.push(
      `<text class="tick" x="${n(left + mainW + gap + tailW / 2)}" y="${axisY + 32}" text-anchor="middle">after closure (compressed)</text>`,
    );
  }
  out.push(
    `<text class="label" x="${left + mainW / 2}" y="${axisY + 36}" text-anchor="middle">Time (UTC)</text>`,
  );

  // Lane labels and bars.
  for (const id of lanes) {
    out.push(
      `<text class="label" x="12" y="${laneY(id) + bar - 4}">${xmlEscape(phaseName(playbook, id))}</text>`,
    );
  }
  for (const s of incident.phases) {
    const to = s.leftAt ?? endIso;
    const x1 = x(s.enteredAt);
    const w = Math.max(x(to) - x1, 3);
    const tip = `${phaseName(playbook, s.phase)}: ${utc(s.enteredAt)} to ${s.leftAt ? utc(s.leftAt) : 'now'} UTC${
      s.move === 'back' && s.reason ? ` (moved back: ${s.reason})` : ''
    }`;
    const cls = s.move === 'back' ? 'phase back' : 'phase';
    out.push(
      `<rect class="${cls}" data-phase="${xmlEscape(s.phase)}" x="${n(x1)}" y="${laneY(s.phase)}" width="${n(w)}" height="${bar}" rx="2"><title>${xmlEscape(tip)}</title></rect>`,
    );
  }

  // Communications.
  out.push(`<text class="label" x="12" y="${updatesY + bar - 4}">Status updates</text>`);
  for (const c of incident.communications) {
    const tip = `${templateName(playbook, c.template)}: ${utc(c.at)} UTC${c.fields.status ? ` (${c.fields.status})` : ''}`;
    out.push(
      `<circle class="update" data-template="${xmlEscape(c.template)}" cx="${n(x(c.at))}" cy="${updatesY + bar / 2}" r="6"><title>${xmlEscape(tip)}</title></circle>`,
    );
  }

  // Role changes.
  out.push(`<text class="label" x="12" y="${rolesY + bar - 4}">Role changes</text>`);
  for (const r of incident.roleHistory) {
    const cx = x(r.at);
    const cy = rolesY + bar / 2;
    const d = `M${n(cx)} ${n(cy - 7)} L${n(cx + 7)} ${n(cy)} L${n(cx)} ${n(cy + 7)} L${n(cx - 7)} ${n(cy)} Z`;
    const who = r.kind === 'release' ? (r.from ?? '') : (r.to ?? '');
    const tip = `${roleName(playbook, r.role)} ${r.kind}: ${who} at ${utc(r.at)} UTC`;
    out.push(
      `<path class="role" data-kind="${xmlEscape(r.kind)}" d="${d}"><title>${xmlEscape(tip)}</title></path>`,
    );
  }

  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
