/**
 * Turning an inbound Teams message into command text.
 *
 * The SDK helper is `stripMentionsText(activity, { accountId?, tagOnly? })` from @microsoft/teams.api
 * (also `activity.stripMentionsText()` on the MessageActivity instance the context gives you, which
 * MUTATES `activity.text`; and the App option `activity: { mentions: { stripText: true } }`, a
 * middleware that strips ALL mentions for every message). It removes each `mention` entity's `text`
 * (e.g. `<at>Incident Bot</at>`) from `activity.text`, optionally only for one account, then trims.
 * It does not decode HTML entities and does not collapse the double spaces left behind, so we do that.
 */
import { stripMentionsText } from '@microsoft/teams.api';

export interface MentionBearingActivity {
  text?: string;
  recipient?: { id: string };
  entities?: ReadonlyArray<{ type: string; [k: string]: unknown }>;
}

/**
 * Text of a message with the bot's own `<at>...</at>` mention removed (other people's mentions are
 * kept as their plain names), `&nbsp;`/entities decoded and whitespace collapsed.
 * `<at>Bot</at> incident help` -> `incident help`.
 */
export function commandTextFrom(activity: MentionBearingActivity): string {
  const text = activity.text ?? '';
  let stripped = text;
  if (activity.recipient?.id) {
    // SDK signature wants the SDK's TextActivity type; our structural type is a subset of it
    stripped =
      stripMentionsText(activity as Parameters<typeof stripMentionsText>[0], {
        accountId: activity.recipient.id,
      }) ?? text;
  }
  // other users' mentions: keep the name, drop the tag
  stripped = stripped.replace(/<\/?at>/g, '');
  return decodeEntities(stripped).replace(/\s+/g, ' ').trim();
}

/** True when the bot itself is @mentioned (a `mention` entity whose `mentioned.id` is the recipient). */
export function isBotMentioned(activity: MentionBearingActivity): boolean {
  const botId = activity.recipient?.id;
  if (!botId) return false;
  return (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e.mentioned as { id?: string } | undefined)?.id === botId,
  );
}

function decodeEntities(s: string): string {
  return s
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
