// The reminder family of the communication recap (decide/recap.ts): owed from the review, it is prefilled
// and waits for the comms lead (or IC) to send it. Unsent by the next business day at the day hour, the
// room is nudged with them mentioned; after that once per business day, the IC mentioned too, until it is
// sent or snoozed. Incidents reviewed before the recap existed owe none (`recap` is absent). Hooked into
// reminder-families.ts.
import { holders, type Incident } from './incident.js';
import type { Playbook } from './playbook.js';
import type { Candidate, Family } from './reminder-families.js';

const DAY = 24 * 60 * 60_000;

const weekend = (day: number) => [0, 6].includes(new Date(day).getUTCDay());

function nextBusinessDay(day: number): number {
  let d = day + DAY;
  while (weekend(d)) d += DAY;
  return d;
}

/** `hour`: the day-based reminders' hour (ms after midnight UTC); `wake` collects the next overdue instant. */
export function recapFamilies(
  i: Incident,
  pb: Playbook,
  now: number,
  hour: number,
  wake: number[] = [],
): Family[] {
  const r = i.recap;
  if (!r || r.sentAt) return [];
  const until = i.snoozes?.recap;
  if (until !== undefined && Date.parse(until) > now) return [];
  const owed = Date.parse(r.owedSince);
  if (Number.isNaN(owed)) return [];
  const comms = holders(i, pb.communicationsRole ?? 'comms_lead');
  const ic = holders(i, pb.commanderRole)[0];
  const mention = comms.length ? comms : ic ? [ic] : [];
  const common = { reviewedAt: r.owedSince };
  const firstDay = nextBusinessDay(Math.floor(owed / DAY) * DAY);
  const candidates: Candidate[] = [
    { kind: 'recap-due', at: firstDay + hour, target: { to: 'room' }, data: { ...common, mention } },
  ];
  // Overdue: the latest business day after the first nudge whose hour has come, once each.
  let day = Math.floor(now / DAY) * DAY;
  if (day + hour > now) day -= DAY;
  while (weekend(day)) day -= DAY;
  wake.push(nextBusinessDay(day) + hour);
  if (day > firstDay) {
    let late = 0;
    for (let d = firstDay + DAY; d <= day; d += DAY) if (!weekend(d)) late++;
    candidates.push({
      kind: 'recap-overdue',
      at: day + hour,
      target: { to: 'room' },
      data: {
        ...common,
        mention: [...new Set([...mention, ...(ic ? [ic] : [])])],
        escalation: true,
        overdue: true,
        businessDaysOverdue: late,
      },
    });
  }
  return [{ snooze: 'recap', candidates }];
}
