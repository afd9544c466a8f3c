import { addBusinessDays, formatISO } from 'date-fns';

/** The calendar date (YYYY-MM-DD, UTC) that is `days` business days after `from`. */
export function businessDaysAfter(from: Date, days: number): string {
  // Work on the UTC calendar date so the result does not depend on the host's zone.
  const utcDay = new Date(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  return formatISO(addBusinessDays(utcDay, days), { representation: 'date' });
}
