// The people of local mode: the console has no directory, so a drill is played by a few named people.
// Their ids are what the record keeps (actors, role holders, mentions).
import type { Actor } from '../domain/incident.js';
import { mention, type Text, userText } from '../domain/text.js';

export interface LocalPerson {
  id: string;
  name: string;
  /** What they usually do in a drill (shown where you pick who you are). */
  about: string;
}

export const LOCAL_PEOPLE: readonly LocalPerson[] = [
  { id: 'alice', name: 'Alice', about: 'on-call engineer, usually the incident commander' },
  { id: 'bob', name: 'Bob', about: 'platform engineer, technical lead' },
  { id: 'carol', name: 'Carol', about: 'communications lead' },
  { id: 'dave', name: 'Dave', about: 'risk and compliance' },
];

export function localPerson(id: string | undefined): LocalPerson | undefined {
  return LOCAL_PEOPLE.find((p) => p.id === id);
}

export function localActor(p: LocalPerson): Actor {
  return { platform: 'web', id: p.id, name: p.name };
}

/**
 * What a person typed (in the console, or in a drill script) as neutral text: `@bob` or `@Bob`, naming one
 * of the local people, is a mention; everything else stays words.
 */
export function localText(raw: string): Text {
  return userText(raw).replace(/(^|[^\w@])@([A-Za-z][\w-]*)/g, (all, before: string, name: string) => {
    const p = LOCAL_PEOPLE.find(
      (x) => x.id === name.toLowerCase() || x.name.toLowerCase() === name.toLowerCase(),
    );
    return p ? `${before}${mention(p.id)}` : all;
  });
}
