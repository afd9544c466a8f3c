/**
 * Checks what the bot sends against the platform limits in shared/notes/platform-limits.md.
 * A message or view outside these is rejected by the real platform even when the fake accepts it.
 * Every checker returns a list of human-readable problems; an empty list means "looks valid".
 */
import type { FakeSlack } from './fake-slack-api.js';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit / Adaptive Card JSON is free-form
type Json = any;

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  textObject: 3000,
  messageTextSoft: 4000,
  messageTextHard: 40_000,
  headerText: 150,
  sectionFields: 10,
  sectionField: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  id: 255,
  selectOptions: 100,
  optionText: 75,
  optionValue: 75,
  checkboxOptions: 10,
  overflowOptions: 5,
  placeholder: 150,
  blockTextBudget: 10_000,
  viewTitle: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputMax: 3000,
  viewBytes: 250 * 1024,
  imageAltText: 2000,
  cardVersion: '1.5',
  cardBytes: 28 * 1024,
} as const;

const KNOWN_BLOCKS = new Set([
  'section',
  'divider',
  'image',
  'actions',
  'context',
  'input',
  'file',
  'header',
  'video',
  'rich_text',
  'markdown',
  'table',
  'call',
  'context_actions',
]);

const PLACEHOLDER_ELEMENTS = new Set([
  'static_select',
  'multi_static_select',
  'external_select',
  'multi_external_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'plain_text_input',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'email_text_input',
  'number_input',
  'url_text_input',
]);

interface TextOpts {
  max?: number;
  plainOnly?: boolean;
  required?: boolean;
}

class Checker {
  readonly problems: string[] = [];
  textChars = 0;

  add(path: string, msg: string): void {
    this.problems.push(`${path}: ${msg}`);
  }

  /** A composition text object. */
  text(
    t: Json,
    path: string,
    { max = LIMITS.textObject as number, plainOnly = false, required = true }: TextOpts = {},
  ): void {
    if (t === undefined || t === null) {
      if (required) this.add(path, 'text object is required');
      return;
    }
    if (typeof t !== 'object') {
      this.add(path, `text object expected, got ${typeof t}`);
      return;
    }
    if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
      this.add(path, `text type must be plain_text or mrkdwn, got ${t.type}`);
    else if (plainOnly && t.type !== 'plain_text') this.add(path, `must be plain_text, got ${t.type}`);
    if (typeof t.text !== 'string') {
      this.add(path, 'text.text must be a string');
      return;
    }
    this.textChars += t.text.length;
    if (t.text.length < 1) this.add(path, 'text must not be empty (1..3000 chars)');
    const limit = Math.min(max, LIMITS.textObject);
    if (t.text.length > limit) this.add(path, `text is ${t.text.length} chars, max ${limit}`);
  }

  id(v: Json, path: string, what: string): void {
    if (v === undefined) return;
    if (typeof v !== 'string' || v.length === 0) this.add(path, `${what} must be a non-empty string`);
    else if (v.length > LIMITS.id) this.add(path, `${what} is ${v.length} chars, max ${LIMITS.id}`);
  }

  confirm(c: Json, path: string): void {
    if (c === undefined) return;
    this.text(c.title, `${path}.title`, { max: LIMITS.confirmTitle, plainOnly: true });
    this.text(c.text, `${path}.text`, { max: LIMITS.confirmText });
    this.text(c.confirm, `${path}.confirm`, { max: LIMITS.confirmButton, plainOnly: true });
    this.text(c.deny, `${path}.deny`, { max: LIMITS.confirmButton, plainOnly: true });
    if (c.style !== undefined && c.style !== 'primary' && c.style !== 'danger')
      this.add(`${path}.style`, `style must be primary or danger, got ${c.style}`);
  }

  option(o: Json, path: string, { plainOnly }: { plainOnly: boolean }): void {
    if (!o || typeof o !== 'object') {
      this.add(path, 'option object expected');
      return;
    }
    this.text(o.text, `${path}.text`, { max: LIMITS.optionText, plainOnly });
    if (typeof o.value !== 'string' || o.value.length === 0)
      this.add(`${path}.value`, 'option value is required');
    else if (o.value.length > LIMITS.optionValue)
      this.add(`${path}.value`, `option value is ${o.value.length} chars, max ${LIMITS.optionValue}`);
    if (o.description !== undefined)
      this.text(o.description, `${path}.description`, { max: LIMITS.optionText });
    if (o.url !== undefined && String(o.url).length > LIMITS.buttonUrl)
      this.add(`${path}.url`, 'option url too long');
  }

  options(list: Json, path: string, max: number, plainOnly: boolean, min = 1): string[] {
    if (!Array.isArray(list)) {
      this.add(path, 'options must be an array');
      return [];
    }
    if (list.length < min) this.add(path, `needs at least ${min} option(s)`);
    if (list.length > max) this.add(path, `${list.length} options, max ${max}`);
    list.forEach((o, i) => {
      this.option(o, `${path}[${i}]`, { plainOnly });
    });
    const values = list.map((o) => o?.value).filter((v) => typeof v === 'string');
    if (new Set(values).size !== values.length) this.add(path, 'option values must be unique');
    return values;
  }

  element(e: Json, path: string): void {
    if (!e || typeof e !== 'object') {
      this.add(path, 'element object expected');
      return;
    }
    const type = e.type;
    if (type === 'image') {
      if (!e.image_url && !e.slack_file) this.add(path, 'image element needs image_url or slack_file');
      if (typeof e.alt_text !== 'string' || !e.alt_text) this.add(`${path}.alt_text`, 'alt_text is required');
      return;
    }
    if (type === 'plain_text' || type === 'mrkdwn') {
      this.text(e, path);
      return;
    }
    this.id(e.action_id, `${path}.action_id`, 'action_id');
    if (e.confirm !== undefined) this.confirm(e.confirm, `${path}.confirm`);
    if (PLACEHOLDER_ELEMENTS.has(type) && e.placeholder !== undefined)
      this.text(e.placeholder, `${path}.placeholder`, { max: LIMITS.placeholder, plainOnly: true });
    switch (type) {
      case 'button': {
        this.text(e.text, `${path}.text`, { max: LIMITS.buttonText, plainOnly: true });
        if (e.value !== undefined && String(e.value).length > LIMITS.buttonValue)
          this.add(
            `${path}.value`,
            `button value is ${String(e.value).length} chars, max ${LIMITS.buttonValue}`,
          );
        if (e.url !== undefined && String(e.url).length > LIMITS.buttonUrl)
          this.add(`${path}.url`, `button url is ${String(e.url).length} chars, max ${LIMITS.buttonUrl}`);
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
          this.add(`${path}.style`, `style must be primary or danger, got ${JSON.stringify(e.style)}`);
        if (e.accessibility_label !== undefined && String(e.accessibility_label).length > LIMITS.buttonText)
          this.add(`${path}.accessibility_label`, `max ${LIMITS.buttonText} chars`);
        break;
      }
      case 'static_select':
      case 'multi_static_select': {
        const hasOptions = e.options !== undefined;
        const hasGroups = e.option_groups !== undefined;
        if (hasOptions && hasGroups) this.add(path, 'use options or option_groups, not both');
        if (!hasOptions && !hasGroups) this.add(path, `${type} needs options or option_groups`);
        let values: string[] = [];
        if (hasOptions) values = this.options(e.options, `${path}.options`, LIMITS.selectOptions, true);
        if (hasGroups) {
          if (!Array.isArray(e.option_groups)) this.add(`${path}.option_groups`, 'must be an array');
          else {
            if (e.option_groups.length > LIMITS.selectOptions)
              this.add(
                `${path}.option_groups`,
                `${e.option_groups.length} groups, max ${LIMITS.selectOptions}`,
              );
            e.option_groups.forEach((g: Json, i: number) => {
              this.text(g?.label, `${path}.option_groups[${i}].label`, {
                max: LIMITS.optionText,
                plainOnly: true,
              });
              values.push(
                ...this.options(
                  g?.options,
                  `${path}.option_groups[${i}].options`,
                  LIMITS.selectOptions,
                  true,
                ),
              );
            });
          }
        }
        const initial =
          type === 'static_select' ? (e.initial_option ? [e.initial_option] : []) : (e.initial_options ?? []);
        for (const io of initial) {
          if (!values.includes(io?.value))
            this.add(`${path}.initial_option`, `initial option ${io?.value} is not among the options`);
        }
        break;
      }
      case 'overflow':
        this.options(e.options, `${path}.options`, LIMITS.overflowOptions, true);
        break;
      case 'checkboxes':
      case 'radio_buttons': {
        const values = this.options(e.options, `${path}.options`, LIMITS.checkboxOptions, false);
        const initial =
          type === 'radio_buttons' ? (e.initial_option ? [e.initial_option] : []) : (e.initial_options ?? []);
        for (const io of initial) {
          if (!values.includes(io?.value))
            this.add(`${path}.initial_option`, `initial option ${io?.value} is not among the options`);
        }
        break;
      }
      case 'plain_text_input': {
        if (e.max_length !== undefined && (e.max_length < 1 || e.max_length > LIMITS.plainTextInputMax))
          this.add(
            `${path}.max_length`,
            `max_length must be 1..${LIMITS.plainTextInputMax}, got ${e.max_length}`,
          );
        if (e.min_length !== undefined && (e.min_length < 0 || e.min_length > LIMITS.plainTextInputMax))
          this.add(`${path}.min_length`, `min_length must be 0..${LIMITS.plainTextInputMax}`);
        if (
          e.initial_value !== undefined &&
          typeof e.max_length === 'number' &&
          String(e.initial_value).length > e.max_length
        )
          this.add(`${path}.initial_value`, 'initial_value longer than max_length');
        break;
      }
      case 'external_select':
      case 'multi_external_select':
      case 'users_select':
      case 'multi_users_select':
      case 'conversations_select':
      case 'multi_conversations_select':
      case 'channels_select':
      case 'multi_channels_select':
      case 'datepicker':
      case 'timepicker':
      case 'datetimepicker':
      case 'email_text_input':
      case 'number_input':
      case 'url_text_input':
      case 'rich_text_input':
      case 'file_input':
      case 'workflow_button':
        break;
      default:
        this.add(path, `unknown element type ${JSON.stringify(type)}`);
    }
  }

  blocks(blocks: Json, path: string, max: number): void {
    if (!Array.isArray(blocks)) {
      this.add(path, 'blocks must be an array');
      return;
    }
    if (blocks.length > max) this.add(path, `${blocks.length} blocks, max ${max}`);
    const blockIds = new Set<string>();
    blocks.forEach((b, i) => {
      const p = `${path}[${i}]`;
      if (!b || typeof b !== 'object') {
        this.add(p, 'block object expected');
        return;
      }
      if (!KNOWN_BLOCKS.has(b.type)) this.add(p, `unknown block type ${JSON.stringify(b.type)}`);
      this.id(b.block_id, `${p}.block_id`, 'block_id');
      if (typeof b.block_id === 'string') {
        if (blockIds.has(b.block_id))
          this.add(`${p}.block_id`, `duplicate block_id ${JSON.stringify(b.block_id)}`);
        blockIds.add(b.block_id);
      }
      this.block(b, p);
    });
  }

  block(b: Json, p: string): void {
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.add(p, 'section needs text or fields');
        if (b.text !== undefined) this.text(b.text, `${p}.text`);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields)) this.add(`${p}.fields`, 'must be an array');
          else {
            if (b.fields.length > LIMITS.sectionFields)
              this.add(`${p}.fields`, `${b.fields.length} fields, max ${LIMITS.sectionFields}`);
            b.fields.forEach((f: Json, i: number) => {
              this.text(f, `${p}.fields[${i}]`, { max: LIMITS.sectionField });
            });
          }
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${p}.accessory`);
        break;
      }
      case 'header':
        this.text(b.text, `${p}.text`, { max: LIMITS.headerText, plainOnly: true });
        break;
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) {
          this.add(`${p}.elements`, 'context needs 1..10 elements');
          break;
        }
        if (b.elements.length > LIMITS.contextElements)
          this.add(`${p}.elements`, `${b.elements.length} elements, max ${LIMITS.contextElements}`);
        b.elements.forEach((e: Json, i: number) => {
          const ep = `${p}.elements[${i}]`;
          if (e?.type === 'image') this.element(e, ep);
          else this.text(e, ep);
        });
        break;
      }
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0) {
          this.add(`${p}.elements`, 'actions needs 1..25 elements');
          break;
        }
        if (b.elements.length > LIMITS.actionsElements)
          this.add(`${p}.elements`, `${b.elements.length} elements, max ${LIMITS.actionsElements}`);
        const actionIds = new Set<string>();
        b.elements.forEach((e: Json, i: number) => {
          const ep = `${p}.elements[${i}]`;
          this.element(e, ep);
          if (typeof e?.action_id === 'string') {
            if (actionIds.has(e.action_id))
              this.add(`${ep}.action_id`, `duplicate action_id ${JSON.stringify(e.action_id)} in block`);
            actionIds.add(e.action_id);
          }
        });
        break;
      }
      case 'input': {
        this.text(b.label, `${p}.label`, { max: LIMITS.inputLabel, plainOnly: true });
        if (b.hint !== undefined) this.text(b.hint, `${p}.hint`, { max: LIMITS.inputHint, plainOnly: true });
        if (b.element === undefined) this.add(`${p}.element`, 'input block needs an element');
        else this.element(b.element, `${p}.element`);
        break;
      }
      case 'image': {
        if (!b.image_url && !b.slack_file) this.add(p, 'image block needs image_url or slack_file');
        if (typeof b.alt_text !== 'string' || !b.alt_text) this.add(`${p}.alt_text`, 'alt_text is required');
        else if (b.alt_text.length > LIMITS.imageAltText)
          this.add(`${p}.alt_text`, `max ${LIMITS.imageAltText} chars`);
        if (b.title !== undefined) this.text(b.title, `${p}.title`, { max: 2000, plainOnly: true });
        break;
      }
      case 'rich_text':
        this.countRichText(b.elements);
        break;
      case 'markdown':
        if (typeof b.text !== 'string' || !b.text) this.add(`${p}.text`, 'markdown block needs text');
        else this.textChars += b.text.length;
        break;
      default:
        break;
    }
  }

  countRichText(v: Json): void {
    if (Array.isArray(v)) for (const x of v) this.countRichText(x);
    else if (v && typeof v === 'object') {
      if (typeof v.text === 'string') this.textChars += v.text.length;
      if (v.elements) this.countRichText(v.elements);
    }
  }
}

function parseMaybeJson(v: Json, path: string, problems: string[]): Json {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    problems.push(`${path}: not valid JSON`);
    return undefined;
  }
}

/** Checks args of chat.postMessage / chat.update / chat.postEphemeral / chat.scheduleMessage. */
export function checkMessage(args: Json): string[] {
  const c = new Checker();
  if (!args || typeof args !== 'object') return ['message args must be an object'];
  const blocks = parseMaybeJson(args.blocks, 'blocks', c.problems);
  const text = args.text;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (text !== undefined && text !== null && typeof text !== 'string') c.add('text', 'text must be a string');
  const textStr = typeof text === 'string' ? text : '';
  if (hasBlocks && textStr.trim().length === 0)
    c.add(
      'text',
      'a non-empty text fallback is required when blocks are sent (notifications, screen readers)',
    );
  if (!hasBlocks && textStr.length === 0 && !args.attachments)
    c.add('text', 'message has neither text nor blocks');
  if (textStr.length > LIMITS.messageTextHard)
    c.add('text', `text is ${textStr.length} chars; Slack truncates above ${LIMITS.messageTextHard}`);
  else if (textStr.length > LIMITS.messageTextSoft)
    c.add('text', `text is ${textStr.length} chars, keep it <= ${LIMITS.messageTextSoft}`);
  if (blocks !== undefined) c.blocks(blocks, 'blocks', LIMITS.messageBlocks);
  const attachments = parseMaybeJson(args.attachments, 'attachments', c.problems);
  if (Array.isArray(attachments)) {
    attachments.forEach((a: Json, i: number) => {
      if (a?.blocks !== undefined) c.blocks(a.blocks, `attachments[${i}].blocks`, LIMITS.messageBlocks);
    });
  }
  if (c.textChars > LIMITS.blockTextBudget)
    c.add(
      'blocks',
      `${c.textChars} chars of block text, budget ${LIMITS.blockTextBudget} (msg_blocks_too_long near 11k)`,
    );
  return c.problems;
}

/** Checks a modal or Home tab view (the `view` argument of views.open/update/push/publish). */
export function checkView(view: Json): string[] {
  const c = new Checker();
  const v = parseMaybeJson(view, 'view', c.problems);
  if (!v || typeof v !== 'object') return c.problems.length ? c.problems : ['view must be an object'];
  if (v.type !== 'modal' && v.type !== 'home')
    c.add('view.type', `must be modal or home, got ${JSON.stringify(v.type)}`);
  const isModal = v.type === 'modal';
  if (isModal || v.title !== undefined)
    c.text(v.title, 'view.title', { max: LIMITS.viewTitle, plainOnly: true });
  if (v.submit !== undefined) c.text(v.submit, 'view.submit', { max: LIMITS.viewTitle, plainOnly: true });
  if (v.close !== undefined) c.text(v.close, 'view.close', { max: LIMITS.viewTitle, plainOnly: true });
  c.id(v.callback_id, 'view.callback_id', 'callback_id');
  c.id(v.external_id, 'view.external_id', 'external_id');
  if (v.private_metadata !== undefined) {
    if (typeof v.private_metadata !== 'string') c.add('view.private_metadata', 'must be a string');
    else if (v.private_metadata.length > LIMITS.privateMetadata)
      c.add('view.private_metadata', `${v.private_metadata.length} chars, max ${LIMITS.privateMetadata}`);
  }
  if (v.blocks === undefined) c.add('view.blocks', 'blocks are required');
  else c.blocks(v.blocks, 'view.blocks', LIMITS.viewBlocks);
  if (
    isModal &&
    Array.isArray(v.blocks) &&
    v.blocks.some((b: Json) => b?.type === 'input') &&
    v.submit === undefined
  )
    c.add('view.submit', 'submit is required when the modal has an input block');
  const bytes = Buffer.byteLength(JSON.stringify(v));
  if (bytes > LIMITS.viewBytes)
    c.add('view', `${bytes} bytes of JSON, max ${LIMITS.viewBytes} (view_too_large)`);
  return c.problems;
}

const MESSAGE_METHODS = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'chat.scheduleMessage',
]);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);

/**
 * Runs the right checker over every call the fake recorded (chat.* messages, views.*).
 * HTTP-failed attempts (429/500) are skipped: their retry is checked instead.
 */
export function checkAllRecorded(fake: Pick<FakeSlack, 'calls'>): string[] {
  const out: string[] = [];
  fake.calls.forEach((call, i) => {
    if (call.status !== 200) return;
    let problems: string[] = [];
    if (MESSAGE_METHODS.has(call.method)) problems = checkMessage(call.args);
    else if (VIEW_METHODS.has(call.method)) problems = checkView(call.args.view);
    for (const p of problems) out.push(`calls[${i}] ${call.method}: ${p}`);
  });
  return out;
}

function versionGreater(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}

/** Checks an Adaptive Card (or an attachment wrapping one) against the Teams limits. */
export function checkAdaptiveCard(input: Json): string[] {
  const problems: string[] = [];
  const card =
    input && typeof input === 'object' && input.contentType === 'application/vnd.microsoft.card.adaptive'
      ? input.content
      : input;
  if (!card || typeof card !== 'object') return ['card must be an object'];
  if (card.type !== 'AdaptiveCard')
    problems.push(`type must be AdaptiveCard, got ${JSON.stringify(card.type)}`);
  if (typeof card.version !== 'string' || !/^\d+(\.\d+)*$/.test(card.version))
    problems.push(`version must be a string like "1.5", got ${JSON.stringify(card.version)}`);
  else if (versionGreater(card.version, LIMITS.cardVersion))
    problems.push(`version ${card.version} is above ${LIMITS.cardVersion} (Teams bots support <= 1.5)`);

  const ids = new Map<string, string>();
  const walk = (v: Json, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
      return;
    }
    if (!v || typeof v !== 'object') return;
    const type = typeof v.type === 'string' ? v.type : '';
    if (type.startsWith('Input.')) {
      if (typeof v.id !== 'string' || !v.id) problems.push(`${path}: ${type} needs an id`);
      else if (ids.has(v.id))
        problems.push(`${path}: duplicate input id ${JSON.stringify(v.id)} (also at ${ids.get(v.id)})`);
      else ids.set(v.id, path);
      if (type === 'Input.Toggle' && (typeof v.title !== 'string' || !v.title))
        problems.push(`${path}: Input.Toggle needs a title`);
      if (type === 'Input.ChoiceSet') {
        if (!Array.isArray(v.choices)) {
          if (!v['choices.data']) problems.push(`${path}: Input.ChoiceSet needs choices`);
        } else {
          v.choices.forEach((ch: Json, i: number) => {
            if (typeof ch?.title !== 'string' || typeof ch?.value !== 'string')
              problems.push(`${path}.choices[${i}]: choice needs string title and value`);
          });
        }
      }
    }
    for (const [k, child] of Object.entries(v)) {
      if (child && typeof child === 'object') walk(child, `${path}.${k}`);
    }
  };
  walk(card.body ?? [], 'body');
  walk(card.actions ?? [], 'actions');
  const bytes = Buffer.byteLength(JSON.stringify(card));
  if (bytes > LIMITS.cardBytes)
    problems.push(`card is ${bytes} bytes of JSON, keep it <= ${LIMITS.cardBytes}`);
  return problems;
}
