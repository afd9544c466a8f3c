// The small pieces of the playbook's schema (ids, texts, links) and its two newer sections: `links` with its
// optional `base`, and `review`, the post-incident review's method. Pure zod; see playbook-schema.ts.
import { z } from 'zod';

export const id = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^[a-z][a-z0-9_.-]*$/, 'must be lowercase letters, digits, "_", "-" or "."');
export const text = z.string().trim().min(1, 'must not be empty');
export const positiveInt = z.number().int('must be a whole number').positive('must be positive');

export const linkSchema = z.strictObject({ title: text, url: text });

/**
 * `links`: named links, and optionally `base`, the firm's handbook and runbook location (a wiki or Git URL)
 * that every relative link in the playbook resolves against (kept as `linkBase`).
 */
export const linksSchema = z
  .object({
    base: z
      .url({
        protocol: /^https?$/,
        error: 'must be an absolute http(s) URL, e.g. https://wiki.example.com/handbook/',
      })
      .optional(),
  })
  .catchall(linkSchema);

/** The post-incident review's method (the handbook's "Post-incident review" section). */
export const reviewSchema = z.strictObject({
  whys: z.number().int('must be a whole number').min(1, 'at least 1').max(10, 'at most 10'),
  objectives: z.array(z.strictObject({ id, name: text })).min(1, 'needs at least one control objective'),
  questions: z.array(z.strictObject({ id, label: text, hint: text.optional(), required: z.boolean() })),
  /** The debrief: its default hour (UTC) on the review's due date, and how long it lasts. */
  debrief: z
    .strictObject({
      hour: z.number().int('must be a whole number').min(0, 'at least 0').max(23, 'at most 23'),
      minutes: z.number().int('must be a whole number').min(15, 'at least 15').max(480, 'at most 480'),
    })
    .optional(),
});
