// Subpath imports: the package's index loads all of date-fns (measured: 2 s and ~160 MiB of RSS at start-up,
// most of the bot's memory); these two load what they use.
import { addBusinessDays } from 'date-fns/addBusinessDays';
import { formatISO } from 'date-fns/formatISO';

/** The calendar date (YYYY-MM-DD, UTC) that is `days` business days after `from`. */
export function businessDaysAfter(from: Date, days: number): string {
  // Work on the UTC calendar date so the result does not depend on the host's zone.
  const utcDay = new Date(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  return formatISO(addBusinessDays(utcDay, days), { representation: 'date' });
}
