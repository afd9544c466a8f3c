/**
 * Inbound Teams activities for the incident-bot tests, built on the real captured channel message
 * (../shared/fixtures/teams/message_channel_mention.json) with ids, people, conversation and serviceUrl
 * overridden.
 */
import { randomUUID } from 'node:crypto';
import { fixture } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: activities are free-form JSON
export type Json = any;

export interface Person {
  id: string;
  name: string;
  aadObjectId: string;
}

export const ALICE: Person = {
  id: '29:1-user-alice',
  name: 'Alice Example',
  aadObjectId: '00000000-0000-0000-0000-00000000a11c',
};
export const BOB: Person = {
  id: '29:1-user-bob',
  name: 'Bob Example',
  aadObjectId: '00000000-0000-0000-0000-000000000b0b',
};
export const CAROL: Person = {
  id: '29:1-user-carol',
  name: 'Carol Example',
  aadObjectId: '00000000-0000-0000-0000-0000000ca201',
};

export const GENERAL_CHANNEL = '19:general000000000000000000000000@thread.tacv2';
export const BOT_ID = '28:0b6fe6d1-fece-44f7-9a48-56465e2d5ab8';
export const BOT_NAME = 'Incident Bot';

export interface Where {
  serviceUrl: string;
  /** Conversation id (a channel thread: `<channel>;messageid=<root>`). */
  conversationId?: string;
  from?: Person;
  replyToId?: string;
}

let seq = 0;
const nextId = () => `17600000${String(++seq).padStart(5, '0')}`;

function envelope(w: Where): Json {
  const a = fixture('message_channel_mention.json');
  const conversationId = w.conversationId ?? `${GENERAL_CHANNEL};messageid=${nextId()}`;
  const channel = conversationId.split(';')[0];
  a.id = nextId();
  a.serviceUrl = w.serviceUrl;
  a.recipient = { id: BOT_ID, name: BOT_NAME };
  a.from = { ...(w.from ?? ALICE) };
  a.conversation.id = conversationId;
  a.channelData.channel.id = channel;
  a.channelData.teamsChannelId = channel;
  a.timestamp = new Date().toISOString();
  delete a.localTimestamp;
  if (w.replyToId) a.replyToId = w.replyToId;
  return a;
}

/** People added to (or removed from) a conversation, as Teams reports it. */
export function membersChanged(w: Where, added: Person[], removed: Person[] = []): Json {
  const a = envelope(w);
  a.type = 'conversationUpdate';
  delete a.text;
  delete a.entities;
  a.membersAdded = added.map((p) => ({ ...p }));
  a.membersRemoved = removed.map((p) => ({ ...p }));
  return a;
}

/** `@Incident Bot <text>` in a channel (thread). `<at>Name</at>` in `text` mentions that person. */
export function mentionMessage(text: string, w: Where, mentioned: Person[] = []): Json {
  const a = envelope(w);
  a.text = `<at>${BOT_NAME}</at> ${text}`;
  a.entities = [
    { type: 'mention', text: `<at>${BOT_NAME}</at>`, mentioned: { id: BOT_ID, name: BOT_NAME } },
    ...mentioned.map((p) => ({
      type: 'mention',
      text: `<at>${p.name}</at>`,
      mentioned: { id: p.id, name: p.name },
    })),
    a.entities.find((e: Json) => e.type === 'clientInfo'),
  ];
  a.attachments = [{ contentType: 'text/html', content: `<p>${a.text}</p>` }];
  return a;
}

export function invoke(name: string, value: unknown, w: Where): Json {
  const a = envelope(w);
  delete a.text;
  delete a.textFormat;
  delete a.attachments;
  a.entities = a.entities.filter((e: Json) => e.type !== 'mention');
  a.id = `f:${randomUUID()}`;
  return { ...a, type: 'invoke', name, value };
}

/** An Action.Execute click on `action` (from a card the bot sent), with the card's input values merged in. */
export function executeClick(action: Json, inputs: Record<string, unknown>, w: Where): Json {
  return invoke(
    'adaptiveCard/action',
    {
      action: { type: 'Action.Execute', verb: action.verb, data: { ...action.data, ...inputs } },
      trigger: 'manual',
    },
    w,
  );
}

/** The dialog-opening Action.Submit (msteams task/fetch) arrives as a task/fetch invoke. */
export function taskFetch(action: Json, w: Where): Json {
  return invoke('task/fetch', { data: action.data, context: { theme: 'default' } }, w);
}

export function taskSubmit(data: Record<string, unknown>, w: Where): Json {
  return invoke('task/submit', { data, context: { theme: 'default' } }, w);
}

/** The "Add to incident log" message action on a message (Graph chatMessage-like payload). */
export function addToLogAction(
  msg: {
    id: string;
    html: string;
    author: Person;
    createdDateTime: string;
    replyToId?: string;
    channel: string;
  },
  w: Where,
): Json {
  return invoke(
    'composeExtension/submitAction',
    {
      commandId: 'addToIncidentLog',
      commandContext: 'message',
      context: { theme: 'default' },
      data: {},
      messagePayload: {
        id: msg.id,
        replyToId: msg.replyToId ?? null,
        createdDateTime: msg.createdDateTime,
        lastModifiedDateTime: null,
        deleted: false,
        subject: null,
        importance: 'normal',
        locale: 'en-us',
        linkToMessage: `https://teams.microsoft.com/l/message/${msg.channel}/${msg.id}`,
        from: {
          user: { id: msg.author.aadObjectId, displayName: msg.author.name, userIdentityType: 'aadUser' },
        },
        body: { contentType: 'html', content: msg.html },
        attachments: [],
        mentions: [],
        reactions: [],
      },
    },
    w,
  );
}

// ------------------------------------------------------------------ reading cards

export function cardOf(activityOrAttachment: Json): Json {
  if (!activityOrAttachment) return undefined;
  if (activityOrAttachment.type === 'AdaptiveCard') return activityOrAttachment;
  if (activityOrAttachment.contentType) return activityOrAttachment.content;
  return activityOrAttachment.attachments?.[0]?.content;
}

/** Every action (card-level, ActionSets, ShowCards) in a card, depth first. */
export function allActions(card: Json): Json[] {
  const out: Json[] = [];
  const visit = (v: Json) => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (typeof v.type === 'string' && v.type.startsWith('Action.')) out.push(v);
    for (const x of Object.values(v)) visit(x);
  };
  visit(card);
  return out;
}

export function findAction(card: Json, pred: (a: Json) => boolean): Json {
  const a = allActions(card).find(pred);
  if (!a)
    throw new Error(
      `no such action in card: ${JSON.stringify(allActions(card).map((x) => [x.type, x.title, x.data]))}`,
    );
  return a;
}

/** All TextBlock texts of a card, joined by newlines. */
export function cardTexts(card: Json): string {
  const out: string[] = [];
  const visit = (v: Json) => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (v.type === 'TextBlock' && typeof v.text === 'string') out.push(v.text);
    if (v.type === 'FactSet') for (const f of v.facts ?? []) out.push(`${f.title}: ${f.value}`);
    for (const x of Object.values(v)) visit(x);
  };
  visit(card);
  return out.join('\n');
}

export function inputIds(card: Json): string[] {
  const out: string[] = [];
  const visit = (v: Json) => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (typeof v.type === 'string' && v.type.startsWith('Input.')) out.push(v.id);
    for (const x of Object.values(v)) visit(x);
  };
  visit(card.body);
  return out;
}

/**
 * Teams' notice that a message was edited (`messageUpdate`, channelData.eventType editMessage) or deleted
 * (`messageDelete`, softDeleteMessage): the activity id is the changed message's id.
 */
export function messageChange(
  change: 'edit' | 'delete',
  msg: { id: string; html?: string; author?: Person },
  w: Where,
): Json {
  const a = envelope({ ...w, ...(msg.author ? { from: msg.author } : {}) });
  a.id = msg.id;
  a.entities = (a.entities ?? []).filter((e: Json) => e.type !== 'mention');
  delete a.attachments;
  if (change === 'edit') {
    a.type = 'messageUpdate';
    a.text = msg.html ?? '';
    a.channelData.eventType = 'editMessage';
  } else {
    a.type = 'messageDelete';
    delete a.text;
    a.channelData.eventType = 'softDeleteMessage';
  }
  return a;
}
