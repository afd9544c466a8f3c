// The playbook's communication templates as data the core checks: each template's fields validated (one
// schema per template), and rendered into its lines. Also the text limits and the cleaning every input gets.
import { z } from 'zod';
import type { Playbook, TemplateDef, TemplateId } from './playbook.js';
import { findTemplate } from './playbook.js';

export const LIMITS = {
  title: 150,
  impact: 3000,
  text: 3000,
  reason: 500,
} as const;

/** Control characters other than newline and tab are dropped; surrounding space trimmed. */
export function cleanText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/g, '').trim();
}

// Built once per template (building a zod schema costs far more than using it).
const templateCache = new WeakMap<TemplateDef, ReturnType<typeof buildTemplateSchema>>();

/** A schema for one communication template's fields, built from the playbook's field list. */
export function templateFormSchema(def: TemplateDef) {
  let s = templateCache.get(def);
  if (!s) {
    s = buildTemplateSchema(def);
    templateCache.set(def, s);
  }
  return s;
}

function buildTemplateSchema(def: TemplateDef) {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const f of def.fields) {
    let s: z.ZodType<string | undefined>;
    if (f.kind === 'select' && f.options && f.options.length > 0) {
      const e = z.enum(f.options as [string, ...string[]], {
        message: `${f.label}: choose one of ${f.options.join(', ')}`,
      });
      s = f.required ? e : e.optional();
    } else {
      const base = z
        .string()
        .transform(cleanText)
        .pipe(z.string().max(f.maxLength, `${f.label} must be at most ${f.maxLength} characters`));
      s = f.required
        ? base.pipe(z.string().min(1, `${f.label} is required`))
        : z
            .union([base, z.undefined()])
            .transform((v) => (v === '' ? undefined : v))
            .optional();
    }
    shape[f.id] = s;
  }
  return z.object(shape).strip();
}

export type FieldErrors = Record<string, string>;

/** Validates template fields; returns the cleaned fields or a message per field id. */
export function validateTemplateFields(
  pb: Playbook,
  id: TemplateId,
  raw: Record<string, unknown>,
): { ok: true; fields: Record<string, string> } | { ok: false; errors: FieldErrors } {
  const def = findTemplate(pb, id);
  const r = templateFormSchema(def).safeParse(raw);
  if (r.success) {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.data)) if (typeof v === 'string') fields[k] = v;
    return { ok: true, fields };
  }
  return { ok: false, errors: zodFieldErrors(r.error) };
}

export function zodFieldErrors(err: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) {
    const key = String(issue.path[0] ?? '_');
    if (!out[key]) out[key] = issue.message;
  }
  return out;
}

/** Renders a template's lines with the given fields; missing optional fields read "none". */
export function renderTemplateLines(def: TemplateDef, fields: Record<string, string>): string[] {
  return def.lines.map((line) => line.replace(/\{(\w+)\}/g, (_, k: string) => fields[k] ?? 'none'));
}

export function renderSubject(def: TemplateDef, fields: Record<string, string>): string | undefined {
  return def.subject?.replace(/\{(\w+)\}/g, (_, k: string) => fields[k] ?? '');
}
