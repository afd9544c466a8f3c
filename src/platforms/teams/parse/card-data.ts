// A submitted card or dialog (its `data`: the inputs merged with the button's data) read back into
// FormValues by field id, using the form it showed. A person must be someone the bot knows (or an AAD
// object id from the client's people search); anything else is reported as not read.
import type { Incident } from '../../../domain/incident.js';
import { type FieldErrors, type FormValues, type FormView, ME, readFields } from '../../../views/form.js';
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
  const holders = new Set(Object.values(o.incident?.roles ?? {}).flat());
  return readFields(form, {
    text: (f) => {
      const raw = str(data?.[inputId(f)]);
      // a card submits a choice's initial value; older phase cards sent `to` (a forward move) instead
      if (f.kind !== 'choice') return raw;
      return raw ?? (f.id === 'move' && str(data?.to) ? `forward:${str(data.to)}` : undefined) ?? f.value;
    },
    checks: (f) =>
      f.options
        .map((x) => x.value)
        .filter(
          (v) => toggled(data?.[checkId(v)]) || (str(data?.[inputId(f)])?.split(',') ?? []).includes(v),
        ),
    toggle: (f) => toggled(data?.[inputId(f)]),
    person: (f) => {
      const id = str(data?.[inputId(f)])?.trim();
      if (!id) return {};
      if (id === ME || id === o.actorId) return { value: f.me ? ME : o.actorId };
      const known = o.refs.user(id)?.userId;
      if (known || AAD_ID.test(id) || holders.has(id)) return { value: known ?? id };
      return { error: `Choose the ${f.label.toLowerCase()} from the list.` };
    },
  });
}
