/**
 * Proactive messaging (outside a turn): post to a stored conversation, update a posted message, start a
 * new thread in a channel.
 *
 * Verified in @microsoft/teams.apps 2.0.16 dist/app.js + dist/activity-sender.js and teams.api
 * dist/clients/conversation/*.js:
 * - `app.send(conversationId, activity)` posts to `${app.api.serviceUrl}/v3/conversations/<id>/activities`
 *   where `app.api.serviceUrl` is the APP-LEVEL `serviceUrl` option (or env SERVICE_URL, default
 *   https://smba.trafficmanager.net/teams) - NOT the serviceUrl you stored from the inbound activity.
 *   Teams serviceUrls are regional (…/amer/, …/emea/, …/<tenant>/), so for stored references use
 *   `sendToConversation` below, which builds a client on the stored serviceUrl and reuses the app's
 *   authenticated http client (`app.api.http`, whose token provider is the app's TokenManager).
 * - An activity with `id` set is an UPDATE: `PUT …/activities/<id>` (both app.send and ctx.send).
 * - `app.reply(conversationId, messageId, activity)` = send to `<conversationId>;messageid=<messageId>`
 *   (a channel thread); `toThreadedConversationId()` is exported by @microsoft/teams.apps.
 * - `app.api.conversations.create(params)` = `POST ${serviceUrl}/v3/conversations` with params as body;
 *   returns `{ id, activityId, serviceUrl }`. For a new channel thread: `{ isGroup: true,
 *   channelData: { channel: { id } }, activity, tenantId }`. Bots cannot create channels or group
 *   chats this way (Graph is needed for that).
 * - Conversation ids are interpolated into the path UNENCODED (`19:x@thread.tacv2;messageid=1`), which
 *   is what the real connector expects.
 */
import type { ActivityLike, ActivityParams, ConversationResource, SentActivity } from '@microsoft/teams.api';
import { Client, toActivityParams } from '@microsoft/teams.api';
import type { App } from '@microsoft/teams.apps';

/** What to persist per conversation to reach it later. */
export interface StoredConversationRef {
  serviceUrl: string;
  conversationId: string;
  tenantId?: string;
  /** Channel (`19:…@thread.tacv2`) when the conversation is a channel or a channel thread. */
  channelId?: string;
  teamId?: string;
}

interface InboundLike {
  serviceUrl?: string;
  conversation: { id: string; tenantId?: string };
  channelData?: { channel?: { id?: string }; team?: { id?: string }; tenant?: { id?: string } };
}

/** Extracts the reference to store from any inbound activity. */
export function conversationRefFrom(activity: InboundLike): StoredConversationRef {
  if (!activity.serviceUrl) throw new Error('activity has no serviceUrl');
  const tenantId = activity.conversation.tenantId ?? activity.channelData?.tenant?.id;
  const channelId = activity.channelData?.channel?.id;
  const teamId = activity.channelData?.team?.id;
  return {
    serviceUrl: activity.serviceUrl,
    conversationId: activity.conversation.id,
    ...(tenantId ? { tenantId } : {}),
    ...(channelId ? { channelId } : {}),
    ...(teamId ? { teamId } : {}),
  };
}

/** API client bound to a stored serviceUrl, authenticated like the app (token override or MSAL). */
export function apiFor(app: App, serviceUrl: string): Client {
  return new Client(serviceUrl.replace(/\/+$/, ''), app.api.http);
}

/** Same wire shape as the SDK's ActivitySender: params + `from` (the bot) + `conversation`. */
function outbound(app: App, conversationId: string, activity: ActivityLike): ActivityParams {
  const params = toActivityParams(activity);
  const wire = {
    ...params,
    ...(app.id ? { from: { id: app.id, role: 'bot' } } : {}),
    conversation: { id: conversationId },
  };
  return wire as unknown as ActivityParams;
}

/** Posts an activity to a stored conversation (or thread). Returns the connector's `{ id }`. */
export async function sendToConversation(
  app: App,
  ref: Pick<StoredConversationRef, 'serviceUrl' | 'conversationId'>,
  activity: ActivityLike,
): Promise<SentActivity> {
  const api = apiFor(app, ref.serviceUrl);
  const payload = outbound(app, ref.conversationId, activity);
  const res = await api.conversations.createActivity(ref.conversationId, payload);
  return { ...payload, ...res } as SentActivity;
}

/** Replaces a previously posted activity (e.g. refresh an incident card). */
export async function updateActivity(
  app: App,
  ref: Pick<StoredConversationRef, 'serviceUrl' | 'conversationId'>,
  activityId: string,
  activity: ActivityLike,
): Promise<void> {
  const api = apiFor(app, ref.serviceUrl);
  const payload = { ...outbound(app, ref.conversationId, activity), id: activityId };
  await api.conversations.updateActivity(ref.conversationId, activityId, payload);
}

export interface NewChannelThread {
  serviceUrl: string;
  /** Teams channel id, `19:…@thread.tacv2` (from `channelData.channel.id`). */
  channelId: string;
  tenantId?: string;
  activity: ActivityLike;
}

/**
 * Starts a new thread (root post) in a channel. Returns the thread's conversation id
 * (`<channelId>;messageid=<activityId>`, as given by the connector) and the root activity id.
 */
export async function createChannelThread(
  app: App,
  req: NewChannelThread,
): Promise<{ conversationId: string; activityId: string; raw: ConversationResource }> {
  const api = apiFor(app, req.serviceUrl);
  const res = await api.conversations.create({
    isGroup: true,
    channelData: {
      channel: { id: req.channelId },
      ...(req.tenantId ? { tenant: { id: req.tenantId } } : {}),
    },
    ...(req.tenantId ? { tenantId: req.tenantId } : {}),
    activity: toActivityParams(req.activity),
  });
  const conversationId = res.id.includes(';messageid=')
    ? res.id
    : res.activityId
      ? `${res.id};messageid=${res.activityId}`
      : res.id;
  return { conversationId, activityId: res.activityId, raw: res };
}
