// The debrief's calendar file against RFC 5545's rules: CRLF endings, lines folded at 75 octets (never
// inside a UTF-8 character), TEXT escaping, UTC times, one VEVENT with a UID stable per incident, and
// ATTENDEE lines only for people whose email is known.
import { describe, expect, it } from 'vitest';
import { type CalendarEvent, foldLine, icsCalendar, icsText, icsTime } from '../../src/views/ics.js';

const event: CalendarEvent = {
  uid: 'debrief-INC-2026-0001-20261126T100000Z@incident-bot',
  stamp: '2026-11-26T12:00:00.000Z',
  start: '2026-11-30T14:00:00.000Z',
  end: '2026-11-30T15:00:00.000Z',
  summary: 'Debrief: INC-2026-0001 Kafka ingest down; prices, stale',
  description: 'Post-incident debrief\nAgenda:\n1. Five whys\\causes',
};

/** The content lines, unfolded (RFC 5545 3.1: CRLF followed by one space is removed). */
function unfold(ics: string): string[] {
  return ics.replace(/\r\n /g, '').split('\r\n').slice(0, -1);
}

describe('the .ics generator (RFC 5545)', () => {
  it('ends every line with CRLF, and nothing with a bare LF or CR', () => {
    const ics = icsCalendar({ ...event, description: 'one\ntwo\r\nthree\rfour' });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('is one VCALENDAR 2.0 with a PRODID and one VEVENT with the required properties', () => {
    const lines = unfold(icsCalendar(event));
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines.some((l) => l.startsWith('PRODID:'))).toBe(true);
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('UID:debrief-INC-2026-0001-20261126T100000Z@incident-bot');
    // no METHOD: an event to add, not an iTIP request
    expect(lines.some((l) => l.startsWith('METHOD'))).toBe(false);
  });

  it('writes times in UTC, in the basic form with Z', () => {
    const lines = unfold(icsCalendar(event));
    expect(lines).toContain('DTSTAMP:20261126T120000Z');
    expect(lines).toContain('DTSTART:20261130T140000Z');
    expect(lines).toContain('DTEND:20261130T150000Z');
    // an instant given with an offset is written in UTC
    expect(icsTime('2026-11-30T15:00:00+01:00')).toBe('20261130T140000Z');
    expect(() => icsTime('not a time')).toThrow();
  });

  it('escapes backslash, semicolon, comma and newlines in TEXT values', () => {
    expect(icsText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
    const lines = unfold(icsCalendar(event));
    expect(lines).toContain('SUMMARY:Debrief: INC-2026-0001 Kafka ingest down\\; prices\\, stale');
    expect(lines).toContain('DESCRIPTION:Post-incident debrief\\nAgenda:\\n1. Five whys\\\\causes');
  });

  it('folds lines longer than 75 octets, each continuation starting with one space', () => {
    const long = `DESCRIPTION:${'x'.repeat(200)}`;
    const folded = foldLine(long).split('\r\n');
    expect(folded.length).toBeGreaterThan(2);
    for (const l of folded) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    for (const l of folded.slice(1)) expect(l.startsWith(' ')).toBe(true);
    expect(folded.map((l, n) => (n ? l.slice(1) : l)).join('')).toBe(long);
    // a short line stays as it is
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
  });

  it('never splits a multi-octet UTF-8 character when folding', () => {
    const long = `SUMMARY:${'é'.repeat(60)}📅${'ü'.repeat(40)}`;
    const folded = foldLine(long).split('\r\n');
    for (const l of folded) {
      const bytes = Buffer.from(l, 'utf8');
      expect(bytes.length).toBeLessThanOrEqual(75);
      // each physical line is valid UTF-8 on its own: nothing was cut in half
      expect(bytes.toString('utf8')).toBe(l);
      expect(l).not.toContain('\uFFFD');
    }
    expect(folded.map((l, n) => (n ? l.slice(1) : l)).join('')).toBe(long);
    // and every line of a whole file holds the limit
    const ics = icsCalendar({ ...event, description: 'ö'.repeat(300) });
    for (const l of ics.split('\r\n')) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
  });

  it('has ATTENDEE and ORGANIZER lines only for people with an email', () => {
    const none = unfold(icsCalendar(event));
    expect(none.some((l) => l.startsWith('ATTENDEE') || l.startsWith('ORGANIZER'))).toBe(false);
    const lines = unfold(
      icsCalendar({
        ...event,
        organizer: { email: 'irene@example.com', name: 'Chen, Irene' },
        attendees: [
          { email: 'bob@example.com', name: 'Bob' },
          { email: 'not an email', name: 'Nobody' },
          { email: '', name: 'Empty' },
        ],
      }),
    );
    expect(lines).toContain('ORGANIZER;CN="Chen, Irene":mailto:irene@example.com');
    const attendees = lines.filter((l) => l.startsWith('ATTENDEE'));
    expect(attendees).toHaveLength(1);
    expect(attendees[0]).toMatch(/^ATTENDEE;CN=Bob;.*ROLE=REQ-PARTICIPANT.*:mailto:bob@example\.com$/);
  });

  it('carries the meeting link as LOCATION and URL when there is one', () => {
    const lines = unfold(
      icsCalendar({
        ...event,
        location: 'https://meet.example.com/d?a=1,2',
        url: 'https://meet.example.com/d',
      }),
    );
    expect(lines).toContain('LOCATION:https://meet.example.com/d?a=1\\,2');
    expect(lines).toContain('URL:https://meet.example.com/d');
  });

  it('is the same file for the same event (a stable UID and stamp, nothing random)', () => {
    expect(icsCalendar(event)).toBe(icsCalendar({ ...event }));
  });
});
