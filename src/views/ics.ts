// An iCalendar file (RFC 5545) holding one event: what a calendar imports from the debrief invitation.
// Pure. No METHOD: it is an event to add, not an iTIP request (which would need an organizer who answers).
// CRLF line endings, long lines folded at 75 octets (never inside a UTF-8 character), TEXT values escaped
// (backslash, semicolon, comma, newline), times in UTC ("Z" form).

export interface CalendarPerson {
  email: string;
  name?: string;
}

export interface CalendarEvent {
  /** Globally unique and stable: the same event imported twice is one event in a calendar. */
  uid: string;
  /** When this object was made (DTSTAMP). */
  stamp: string;
  start: string;
  end: string;
  summary: string;
  description: string;
  /** Where it is held (the meeting link, when there is one). */
  location?: string;
  url?: string;
  organizer?: CalendarPerson;
  /** Only people whose email is known: an ATTENDEE is a calendar address. */
  attendees?: CalendarPerson[];
}

const PRODID = '-//incident-bot//Debrief invitation//EN';

/** An instant as an iCalendar UTC DATE-TIME: 20261130T140000Z. */
export function icsTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a time: ${iso}`);
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** A TEXT value: backslash, semicolon and comma escaped, every line break as \n (RFC 5545 3.3.11). */
export function icsText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** A parameter value (CN=...): quoted when it holds ":", ";" or ","; DQUOTE and controls cannot appear. */
function paramValue(s: string): string {
  const v = s.replace(/["\u0000-\u001F\u007F]/g, '');
  return /[:;,]/.test(v) ? `"${v}"` : v;
}

/** A calendar address: mailto: with the characters a URI cannot hold percent-encoded. */
function mailto(email: string): string {
  return `mailto:${encodeURI(email.trim())}`;
}

/** How many octets a character takes in UTF-8. */
function utf8Octets(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/**
 * Folds a content line at 75 octets (RFC 5545 3.1): each continuation starts with one space, which counts
 * towards its 75. A multi-octet UTF-8 character is never split.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = utf8Octets(ch);
    if (octets + n > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n');
}

function person(prop: 'ORGANIZER' | 'ATTENDEE', p: CalendarPerson, extra = ''): string {
  const cn = p.name?.trim() ? `;CN=${paramValue(p.name.trim())}` : '';
  return `${prop}${cn}${extra}:${mailto(p.email)}`;
}

const hasEmail = (p: CalendarPerson | undefined): p is CalendarPerson =>
  Boolean(p && /^[^\s@<>"]+@[^\s@<>"]+$/.test(p.email.trim()));

/** The .ics text of one event. */
export function icsCalendar(e: CalendarEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODID}`,
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    `UID:${icsText(e.uid)}`,
    `DTSTAMP:${icsTime(e.stamp)}`,
    `DTSTART:${icsTime(e.start)}`,
    `DTEND:${icsTime(e.end)}`,
    `SUMMARY:${icsText(e.summary)}`,
    `DESCRIPTION:${icsText(e.description)}`,
    ...(e.location ? [`LOCATION:${icsText(e.location)}`] : []),
    ...(e.url && /^https?:\/\/\S+$/i.test(e.url) ? [`URL:${e.url}`] : []),
    ...(hasEmail(e.organizer) ? [person('ORGANIZER', e.organizer)] : []),
    ...(e.attendees ?? [])
      .filter(hasEmail)
      .map((a) => person('ATTENDEE', a, ';CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION')),
    'STATUS:CONFIRMED',
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
