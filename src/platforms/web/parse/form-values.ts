// A submitted console form (urlencoded) read back into FormValues by field id, using the form it showed.
// A person must be one of the local people (or "me" where the form offers it).
import { localPerson } from '../../../app/local-people.js';
import { type FieldErrors, type FormValues, type FormView, ME, readFields } from '../../../views/form.js';

export type Body = Record<string, string | string[] | undefined>;

/** One value of a field (the first, when the browser sent several). */
export function one(body: Body, name: string): string {
  const v = body[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function many(body: Body, name: string): string[] {
  const v = body[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function readForm(form: FormView, body: Body): { values: FormValues; errors: FieldErrors } {
  return readFields(form, {
    text: (f) => one(body, f.id),
    checks: (f) => many(body, f.id),
    toggle: (f) => one(body, f.id) === 'yes',
    person: (f) => {
      const id = one(body, f.id);
      if (id && !(id === ME && f.me) && !localPerson(id))
        return { error: `Choose the ${f.label.toLowerCase()}.` };
      return { value: id || undefined };
    },
  });
}
