// What the Alertmanager and Grafana webhook parsers share: label maps, times, links, the reason a body is
// refused (a zod issue as "path: message", never a stack), and the alert instance both describe.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AlertInstance } from '../../domain/alert-group.js';

/** Labels and annotations: string to string, bounded (a body within the size limit may still hold many). */
export const stringMap = z
  .record(z.string().max(256), z.string().max(8_000))
  .refine((m) => Object.keys(m).length <= 200, 'at most 200 entries')
  .default({});

/** An RFC 3339 time; Alertmanager's zero time ("0001-01-01T00:00:00Z") means "not ended". */
export const rfc3339 = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

export const status = z.enum(['firing', 'resolved'], { error: 'must be "firing" or "resolved"' });

/** The fields of one alert both webhooks send (Grafana adds its own, read by its parser). */
export const alertFields = {
  status,
  labels: stringMap,
  annotations: stringMap,
  startsAt: rfc3339,
  endsAt: rfc3339.optional(),
  generatorURL: z.string().max(4_000).optional(),
  fingerprint: z.string().max(256).optional(),
};

const ZERO_TIME = /^0001-01-01T/;

/** A link people may click: http(s) only, so a payload cannot slip a `javascript:` link into a prompt. */
export function httpLink(...candidates: (string | undefined)[]): string | undefined {
  return candidates.find((u) => !!u && /^https?:\/\/[^\s]+$/i.test(u));
}

/** The alert's labels' fingerprint as Alertmanager computes it when the payload has none (older versions). */
function fingerprintOf(labels: Record<string, string>): string {
  const canon = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
  return createHash('sha256').update(canon).digest('hex').slice(0, 16);
}

export function alertInstance(
  a: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
  } & {
    startsAt: string;
    endsAt?: string | undefined;
    fingerprint?: string | undefined;
  },
  link: string | undefined,
): AlertInstance {
  const ended = a.endsAt && !ZERO_TIME.test(a.endsAt) ? new Date(a.endsAt).toISOString() : undefined;
  return {
    fingerprint: a.fingerprint || fingerprintOf(a.labels),
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    ...(ended ? { endsAt: ended } : {}),
    ...(link ? { link } : {}),
  };
}

/** The first problem zod found, as one short line a sender's operator can act on. */
export function reasonOf(e: z.ZodError): string {
  const i = e.issues[0];
  if (!i) return 'the payload is not valid';
  const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${path ? `${path.replace(/^\./, '')}: ` : ''}${i.message}`.slice(0, 300);
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };
