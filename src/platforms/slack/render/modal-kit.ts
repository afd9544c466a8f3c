// Small Block Kit helpers for the modals: every text is cut to its Block Kit limit, visibly.
// biome-ignore-all lint/suspicious/noExplicitAny: Block Kit JSON is free-form

export type Block = Record<string, any>;

export const TRUNCATED = '…(truncated)';

/** Cuts `s` to `max` characters, marking the cut ("…" when the marker does not fit). */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max > TRUNCATED.length * 3) return s.slice(0, max - TRUNCATED.length) + TRUNCATED;
  return `${s.slice(0, max - 1)}…`;
}

export function plain(text: string, max = 3000): Block {
  return { type: 'plain_text', text: cut(text || ' ', max), emoji: true };
}

export function mrkdwn(text: string, max = 3000): Block {
  return { type: 'mrkdwn', text: cut(text || ' ', max) };
}

/** An option: text and description <= 75, value <= 150. A long text spills into the description. */
export function option(text: string, value: string, description?: string): Block {
  let t = text;
  let d = description;
  if (t.length > 75 && d === undefined) {
    const at = t.lastIndexOf(' ', 72);
    const head = at > 30 ? t.slice(0, at) : t.slice(0, 72);
    d = `…${t.slice(head.length).trim()}`;
    t = `${head}…`;
  }
  const o: Block = { text: plain(t, 75), value: value.slice(0, 150) };
  if (d) o.description = plain(d, 75);
  return o;
}

export function section(text: string, blockId?: string): Block {
  const b: Block = { type: 'section', text: mrkdwn(text) };
  if (blockId) b.block_id = blockId;
  return b;
}

export function context(text: string): Block {
  return { type: 'context', elements: [mrkdwn(text)] };
}

export interface InputOpts {
  optional?: boolean;
  hint?: string;
  dispatchAction?: boolean;
}

export function input(blockId: string, label: string, element: Block, o: InputOpts = {}): Block {
  const b: Block = { type: 'input', block_id: blockId, label: plain(label, 2000), element };
  if (o.optional) b.optional = true;
  if (o.hint) b.hint = plain(o.hint, 2000);
  return b;
}

export const VALUE = 'value';

export function textInput(o: {
  initial?: string;
  multiline?: boolean;
  max?: number;
  placeholder?: string;
}): Block {
  const max = Math.max(1, Math.min(o.max ?? 3000, 3000));
  const e: Block = { type: 'plain_text_input', action_id: VALUE, max_length: max };
  if (o.multiline) e.multiline = true;
  if (o.initial) e.initial_value = o.initial.slice(0, max);
  if (o.placeholder) e.placeholder = plain(o.placeholder, 150);
  return e;
}

export function staticSelect(options: Block[], initialValue?: string, placeholder = 'Choose one'): Block {
  const e: Block = {
    type: 'static_select',
    action_id: VALUE,
    options: options.slice(0, 100),
    placeholder: plain(placeholder, 150),
  };
  const init = options.find((o) => o.value === initialValue);
  if (init) e.initial_option = init;
  return e;
}

export function radio(options: Block[], initialValue?: string): Block {
  const e: Block = { type: 'radio_buttons', action_id: VALUE, options: options.slice(0, 10) };
  const init = options.find((o) => o.value === initialValue);
  if (init) e.initial_option = init;
  return e;
}

export function checkboxes(options: Block[], initialValues: string[] = []): Block {
  const e: Block = { type: 'checkboxes', action_id: VALUE, options: options.slice(0, 10) };
  const init = options.filter((o) => initialValues.includes(o.value));
  if (init.length) e.initial_options = init;
  return e;
}

export function usersSelect(initialUser?: string, placeholder = 'Choose someone'): Block {
  const e: Block = { type: 'users_select', action_id: VALUE, placeholder: plain(placeholder, 150) };
  if (initialUser) e.initial_user = initialUser;
  return e;
}

/** Checkbox inputs for a list longer than 10: `id`, `id_2`, `id_3`... */
export function checkboxInputs(blockId: string, label: string, options: Block[], o: InputOpts = {}): Block[] {
  const out: Block[] = [];
  for (let n = 0; n < options.length; n += 10) {
    const id = n === 0 ? blockId : `${blockId}_${n / 10 + 1}`;
    out.push(input(id, n === 0 ? label : `${label} (continued)`, checkboxes(options.slice(n, n + 10)), o));
  }
  return out;
}

export interface ModalOpts {
  callbackId: string;
  title: string;
  submit?: string;
  close?: string;
  blocks: Block[];
  privateMetadata?: string;
}

export function modal(o: ModalOpts): Block {
  const v: Block = {
    type: 'modal',
    callback_id: o.callbackId,
    title: plain(o.title, 24),
    close: plain(o.close ?? 'Cancel', 24),
    blocks: o.blocks.slice(0, 100),
  };
  if (o.submit) v.submit = plain(o.submit, 24);
  if (o.privateMetadata !== undefined) v.private_metadata = o.privateMetadata.slice(0, 3000);
  return v;
}

// ------------------------------------------------------------ reading a submission

/** The value of one element in `view.state.values`. */
export type StateValue = {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_user?: string | null;
  selected_date?: string | null;
  selected_date_time?: number | null;
};

export type StateValues = Record<string, Record<string, StateValue>>;

function el(values: StateValues, blockId: string): StateValue | undefined {
  const b = values[blockId];
  if (!b) return undefined;
  return b[VALUE] ?? Object.values(b)[0];
}

export function readText(values: StateValues, blockId: string): string | undefined {
  const v = el(values, blockId);
  if (!v) return undefined;
  if (v.selected_option !== undefined) return v.selected_option?.value ?? undefined;
  if (v.selected_date_time) return new Date(v.selected_date_time * 1000).toISOString();
  if (v.selected_date) return v.selected_date;
  return v.value ?? undefined;
}

export function readUser(values: StateValues, blockId: string): string | undefined {
  return el(values, blockId)?.selected_user ?? undefined;
}

/** Selected values of a checkbox list, including its `_2`, `_3` continuation blocks. */
export function readChecked(values: StateValues, blockId: string): string[] {
  const out: string[] = [];
  for (const id of Object.keys(values)) {
    if (id === blockId || new RegExp(`^${blockId}_\\d+$`).test(id)) {
      for (const o of el(values, id)?.selected_options ?? []) out.push(o.value);
    }
  }
  return out;
}

/** private_metadata: which incident and which channel a modal is about. */
export interface ModalMeta {
  /** Incident key (absent for the declare modal). */
  k?: string;
  /** Channel the modal was opened from. */
  c?: string;
}

export function encodeMeta(m: ModalMeta): string {
  return JSON.stringify(m);
}

export function decodeMeta(s: string | undefined): ModalMeta {
  if (!s) return {};
  try {
    const v = JSON.parse(s) as ModalMeta;
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}
