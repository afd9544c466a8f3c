// Which template each clone is a copy of, and when it was declared. What is open or awaiting review stays
// fixed as n grows (at a firm history grows, what is open at once does not); finished clones are spread
// over the past YEARS years by their templates' weights, awaiting review over the last month, open over
// the last 3 days.
import type { Kind, Template } from './templates.js';

const YEARS = 5;
const DAY = 86_400_000;

/** A deterministic PRNG (mulberry32), so two runs fill the same database. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ClonePlan {
  /** Oldest first: keys are numbered in declaration order. */
  clones: { tpl: Template; declaredAt: number }[];
  open: number;
  awaiting: number;
  done: number;
}

/** The plan for n incidents, the templates included (n counts them: 3 open, 2 awaiting review, 6 done). */
export function planClones(
  templates: Template[],
  n: number,
  now: Date,
  o: { open?: number; awaitingReview?: number },
): ClonePlan {
  const count = (kind: Kind) => templates.filter((t) => t.kind === kind).length;
  const clones = n - templates.length;
  if (clones < 0) throw new Error(`n must be at least ${templates.length}`);
  const openN = Math.min(Math.max(0, (o.open ?? 20) - count('open')), clones);
  const awaitingN = Math.min(Math.max(0, (o.awaitingReview ?? 30) - count('awaiting')), clones - openN);
  const doneN = clones - openN - awaitingN;
  const rand = rng(17);
  const done = templates.filter((t) => t.kind === 'done');
  const totalWeight = done.reduce((a, t) => a + t.weight, 0);
  const pick = (kind: Kind, k: number): Template => {
    if (kind !== 'done') {
      const of = templates.filter((t) => t.kind === kind);
      return of[k % of.length]!;
    }
    let r = rand() * totalWeight;
    for (const t of done) {
      r -= t.weight;
      if (r < 0) return t;
    }
    return done[0]!;
  };
  const span = YEARS * 365 * DAY;
  const plan: { tpl: Template; declaredAt: number }[] = [];
  for (let k = 0; k < doneN; k++)
    plan.push({ tpl: pick('done', k), declaredAt: now.getTime() - 30 * DAY - rand() * span });
  for (let k = 0; k < awaitingN; k++)
    plan.push({ tpl: pick('awaiting', k), declaredAt: now.getTime() - 3 * DAY - rand() * 25 * DAY });
  for (let k = 0; k < openN; k++)
    plan.push({ tpl: pick('open', k), declaredAt: now.getTime() - 60_000 * (30 + rand() * 3 * 24 * 60) });
  plan.sort((a, b) => a.declaredAt - b.declaredAt);
  return { clones: plan, open: openN, awaiting: awaitingN, done: doneN };
}
