// Small Block Kit builders that keep every text inside Slack's limits (shared/notes/platform-limits.md).
// Texts passed here are already escaped; the builders only truncate, visibly.
import { TRUNCATED, truncate } from './escape.js';

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is free-form
export type Block = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is free-form
export type Element = Record<string, any>;

export interface SlackMessage {
  /** Notification and screen-reader fallback; always non-empty. */
  text: string;
  blocks: Block[];
}

export const BLOCK_LIMITS = {
  messageBlocks: 50,
  textObject: 3000,
  header: 150,
  sectionField: 2000,
  sectionFields: 10,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 75,
  checkboxOptions: 10,
  placeholder: 150,
  id: 255,
  /** Fallback `text`: Slack truncates above 40k; keep it short. */
  fallbackText: 3000,
  /** Total characters of block text: Slack answers msg_blocks_too_long near 11k. */
  blockTextBudget: 9500,
} as const;

const nonEmpty = (s: string) => (s.trim().length > 0 ? s : ' ');

export function mrkdwn(text: string, max: number = BLOCK_LIMITS.textObject): TextObject {
  return { type: 'mrkdwn', text: truncate(nonEmpty(text), max) };
}

export function plain(text: string, max: number = BLOCK_LIMITS.textObject): TextObject {
  return { type: 'plain_text', text: truncate(nonEmpty(text), max), emoji: true };
}

const id = (s: string) => s.slice(0, BLOCK_LIMITS.id);

export function header(text: string, blockId?: string): Block {
  return {
    type: 'header',
    ...(blockId ? { block_id: id(blockId) } : {}),
    text: plain(text, BLOCK_LIMITS.header),
  };
}

export function section(
  text: string,
  opts: { blockId?: string; accessory?: Element; fields?: string[] } = {},
): Block {
  const b: Block = { type: 'section' };
  if (opts.blockId) b.block_id = id(opts.blockId);
  if (text) b.text = mrkdwn(text);
  if (opts.fields?.length)
    b.fields = opts.fields
      .slice(0, BLOCK_LIMITS.sectionFields)
      .map((f) => mrkdwn(f, BLOCK_LIMITS.sectionField));
  if (!b.text && !b.fields) b.text = mrkdwn(' ');
  if (opts.accessory) b.accessory = opts.accessory;
  return b;
}

/** Splits a long mrkdwn text on line ends into several sections of at most `max` chars each. */
export function sections(
  text: string,
  blockIdPrefix: string,
  max: number = BLOCK_LIMITS.textObject,
): Block[] {
  const chunks: string[] = [];
  let cur = '';
  for (const line of text.split('\n')) {
    const candidate = cur ? `${cur}\n${line}` : line;
    if (candidate.length <= max) {
      cur = candidate;
      continue;
    }
    if (cur) chunks.push(cur);
    cur = line.length > max ? truncate(line, max) : line;
  }
  if (cur) chunks.push(cur);
  return chunks.map((c, i) => section(c, { blockId: `${blockIdPrefix}:${i}` }));
}

export function context(texts: string[], blockId?: string): Block {
  return {
    type: 'context',
    ...(blockId ? { block_id: id(blockId) } : {}),
    elements: texts.slice(0, BLOCK_LIMITS.contextElements).map((t) => mrkdwn(t)),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

export function actions(blockId: string, elements: Element[]): Block {
  return {
    type: 'actions',
    block_id: id(blockId),
    elements: elements.slice(0, BLOCK_LIMITS.actionsElements),
  };
}

export function button(o: {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
}): Element {
  const b: Element = {
    type: 'button',
    action_id: id(o.actionId),
    text: plain(o.text, BLOCK_LIMITS.buttonText),
  };
  if (o.value !== undefined) b.value = o.value.slice(0, BLOCK_LIMITS.buttonValue);
  if (o.style) b.style = o.style;
  if (o.url) b.url = o.url;
  return b;
}

export function usersSelect(o: { actionId: string; placeholder: string; initialUser?: string }): Element {
  const e: Element = {
    type: 'users_select',
    action_id: id(o.actionId),
    placeholder: plain(o.placeholder, BLOCK_LIMITS.placeholder),
  };
  if (o.initialUser) e.initial_user = o.initialUser;
  return e;
}

export interface CheckboxOption {
  text: string;
  value: string;
  description?: string;
}

function option(o: CheckboxOption): Element {
  const opt: Element = {
    text: mrkdwn(o.text, BLOCK_LIMITS.optionText),
    value: o.value.slice(0, BLOCK_LIMITS.optionValue),
  };
  if (o.description) opt.description = mrkdwn(o.description, BLOCK_LIMITS.optionText);
  return opt;
}

/** A checkboxes element (at most 10 options); `checked` are the values ticked initially. */
export function checkboxes(actionId: string, options: CheckboxOption[], checked: string[]): Element {
  const opts = options.slice(0, BLOCK_LIMITS.checkboxOptions).map(option);
  const e: Element = { type: 'checkboxes', action_id: id(actionId), options: opts };
  const initial = opts.filter((o) => checked.includes(o.value));
  if (initial.length) e.initial_options = initial;
  return e;
}

// ---------------------------------------------------------------- whole-message limits

function textObjects(blocks: Block[]): TextObject[] {
  const out: TextObject[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string')
        out.push(o as unknown as TextObject);
      else for (const x of Object.values(o)) visit(x);
    }
  };
  visit(blocks);
  return out;
}

export function blockTextLength(blocks: Block[]): number {
  return textObjects(blocks).reduce((n, t) => n + t.text.length, 0);
}

/**
 * Makes a message fit: non-empty `text` of bounded length, at most 50 blocks, and a total block text
 * under the budget (the longest texts are shortened first, visibly).
 */
export function finalize(msg: SlackMessage, budget: number = BLOCK_LIMITS.blockTextBudget): SlackMessage {
  const text = truncate(msg.text.trim() ? msg.text : 'Incident update', BLOCK_LIMITS.fallbackText);
  let blocks = msg.blocks;
  if (blocks.length > BLOCK_LIMITS.messageBlocks) {
    blocks = [
      ...blocks.slice(0, BLOCK_LIMITS.messageBlocks - 1),
      context([`${TRUNCATED} ${msg.blocks.length - BLOCK_LIMITS.messageBlocks + 1} more blocks not shown`]),
    ];
  }
  let total = blockTextLength(blocks);
  let guard = 0;
  while (total > budget && guard++ < 200) {
    const texts = textObjects(blocks);
    const longest = texts.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    const excess = total - budget;
    const target = Math.max(TRUNCATED.length + 20, longest.text.length - excess - 1);
    if (target >= longest.text.length) break;
    longest.text = truncate(longest.text, target);
    total = blockTextLength(blocks);
  }
  return { text, blocks };
}
