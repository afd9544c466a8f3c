// A submitted console form (urlencoded) read back into FormValues by field id, using the form it showed.
// A person must be one of the local people (or "me" where the form offers it).
import { localPerson } from '../../../app/local-people.js';
import { type FieldErrors, type FormValues, type FormView, inputs, ME } from '../../../views/form.js';

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
  const values: FormValues = {};
  const errors: FieldErrors = {};
  for (const f of inputs(form)) {
    switch (f.kind) {
      case 'text':
      case 'choice':
      case 'date':
        values[f.id] = one(body, f.id);
        break;
      case 'checks':
        values[f.id] = many(body, f.id);
        break;
      case 'toggle':
        values[f.id] = one(body, f.id) === 'yes';
        break;
      case 'person': {
        const id = one(body, f.id);
        if (id && !(id === ME && f.me) && !localPerson(id))
          errors[f.id] = `Choose the ${f.label.toLowerCase()}.`;
        else values[f.id] = id || undefined;
        break;
      }
    }
  }
  return { values, errors };
}
