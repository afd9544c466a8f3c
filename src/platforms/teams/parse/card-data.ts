// A submitted card or dialog (its `data`: the inputs merged with the button's data) read back into
// FormValues by field id, using the form it showed. A person must be someone the bot knows (or an AAD
// object id from the client's people search); anything else is reported as not read.
import type { Incident } from '../../../domain/incident.js';
import { type FieldErrors, type FormValues, type FormView, inputs, ME } from '../../../views/form.js';
import type { TeamsRefs } from '../refs.js';
import { checkId, inputId } from '../render/form.js';
import { AAD_ID } from './text.js';

// biome-ignore lint/suspicious/noExplicitAny: card data is free-form JSON
type Json = any;

const toggled = (v: unknown): boolean => v === true || v === 'true' || v === 'yes';
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A form rendering's nonce as submitted (a random id the bot put in the submit data), if well-formed. */
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
export function formNonce(data: Json): string | undefined {
  const n = data?.nonce;
  return typeof n === 'string' && NONCE.test(n) ? n : undefined;
}

export function readCard(
  form: FormView,
  data: Json,
  o: { refs: TeamsRefs; actorId: string; incident: Incident | null },
): { values: FormValues; errors: FieldErrors } {
  const values: FormValues = {};
  const errors: FieldErrors = {};
  const holders = new Set(Object.values(o.incident?.roles ?? {}).flat());
  for (const f of inputs(form)) {
    const raw = data?.[inputId(f)];
    switch (f.kind) {
      case 'text':
      case 'date':
        values[f.id] = str(raw);
        break;
      case 'choice':
        // a card submits a choice's initial value; older phase cards sent `to` (a forward move) instead
        values[f.id] =
          str(raw) ?? (f.id === 'move' && str(data?.to) ? `forward:${str(data.to)}` : undefined) ?? f.value;
        break;
      case 'checks':
        values[f.id] = f.options
          .map((x) => x.value)
          .filter((v) => toggled(data?.[checkId(v)]) || (str(raw)?.split(',') ?? []).includes(v));
        break;
      case 'toggle':
        values[f.id] = toggled(raw);
        break;
      case 'person': {
        const id = str(raw)?.trim();
        if (!id) break;
        if (id === ME || id === o.actorId) {
          values[f.id] = f.me ? ME : o.actorId;
          break;
        }
        const known = o.refs.user(id)?.userId;
        if (known || AAD_ID.test(id) || holders.has(id)) values[f.id] = known ?? id;
        else errors[f.id] = `Choose the ${f.label.toLowerCase()} from the list.`;
        break;
      }
    }
  }
  return { values, errors };
}
