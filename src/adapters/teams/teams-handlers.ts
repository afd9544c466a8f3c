/**
 * The incident bot's Teams handlers: `@bot incident <verb>` messages, Action.Execute card actions,
 * dialogs (task/fetch + task/submit), and the "Add to incident log" message action. Each one validates
 * its input (the same zod schemas as Slack), builds a core Command, calls `service.handle`, kicks the
 * dispatcher, and answers the person: a reply in the conversation (Teams has no ephemeral messages), the
 * refreshed card as the invoke response, or the dialog's next step.
 */
import type { App } from '@microsoft/teams.apps';
import { helpText, notInIncidentChannel, unknownVerb, usage } from '../../commands/help-text.js';
import { parseIncidentCommand, resolveRole } from '../../commands/parse-incident-command.js';
import type { Command, MessageSource } from '../../core/commands.js';
import { decide } from '../../core/decide.js';
import type { DomainError } from '../../core/errors.js';
import {
  declareFormSchema,
  type FieldErrors,
  validateTemplateFields,
  zodFieldErrors,
} from '../../core/forms.js';
import type { Actor, Incident } from '../../core/incident.js';
import { findPhase, findTemplate } from '../../core/playbook.js';
import type { IncidentService } from '../../workflows/incident-service.js';
import type { CommandOutcome, IncidentStore } from '../sqlite/incident-store.js';
import type { OutboxStore } from '../sqlite/outbox-store.js';
import {
  cardActionCardResponse,
  cardActionErrorResponse,
  cardMessage,
  dialogContinue,
  dialogMessage,
  messageExtensionMessage,
} from './cards.js';
import { htmlToText } from './demo-handlers.js';
import { activityText, cardText, humaniseNotice, utcStamp } from './escape.js';
import {
  checklistCard,
  communicationFormCard,
  confirmedCriteria,
  declareFormCard,
  doneCard,
  FORM_TEMPLATE,
  FORM_TITLES,
  type FormMode,
  type FormName,
  type FormValues,
  phaseFormCard,
  summaryCard,
  textCard,
  VERB,
} from './incident-cards.js';
import { conversationRefFrom } from './proactive.js';
import { channelOf, type TeamsRefStore } from './refs-store.js';

export const MESSAGE_ACTION_ADD_TO_LOG = 'addToIncidentLog';
export const SOMETHING_WENT_WRONG =
  'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.';

export interface TeamsHandlerDeps {
  service: IncidentService;
  store: IncidentStore;
  outbox: OutboxStore;
  dispatcher: { kick(): void };
  refs: TeamsRefStore;
  admins: string[];
  logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

// biome-ignore lint/suspicious/noExplicitAny: inbound activities are loosely typed JSON
type Json = any;

interface Mention {
  id: string;
  name: string;
}

const COMMAND_PREFIX = '@Incident Bot incident';

/** The command text with the bot's mention removed and other mentions as `<@UMENTIONn>` placeholders. */
export function commandTextWithMentions(a: Json): { text: string; mentions: Map<string, Mention> } {
  let text: string = a.text ?? '';
  const mentions = new Map<string, Mention>();
  const botId = a.recipient?.id;
  let n = 0;
  for (const e of (a.entities ?? []) as Json[]) {
    if (e?.type !== 'mention' || typeof e.text !== 'string') continue;
    if (e.mentioned?.id === botId) {
      text = text.replace(e.text, ' ');
      continue;
    }
    // a placeholder without angle brackets survives the HTML-to-text step; it becomes `<@UMENTIONn>` after
    const token = `\u0001${n}\u0001`;
    mentions.set(`UMENTION${n++}`, {
      id: String(e.mentioned?.id ?? ''),
      name: String(e.mentioned?.name ?? ''),
    });
    text = text.replace(e.text, ` ${token} `);
  }
  text = htmlToText(text.replace(/<\/?at>/g, ''))
    .replace(/\u0001(\d+)\u0001/g, '<@UMENTION$1>')
    .replace(/\s+/g, ' ')
    .trim();
  return { text, mentions };
}

function actorOf(a: Json): Actor {
  const id = String(a.from?.aadObjectId ?? a.from?.id ?? 'unknown');
  return a.from?.name ? { platform: 'teams', id, name: String(a.from.name) } : { platform: 'teams', id };
}

const stable = (o: Json): string =>
  JSON.stringify(
    Object.keys(o ?? {})
      .filter((k) => k !== 'action' && k !== 'msteams')
      .sort()
      .map((k) => [k, o[k]]),
  );

export function registerIncidentHandlers(app: App, d: TeamsHandlerDeps): void {
  const now = () => d.service.now();
  const nameOf = (id: string | null | undefined) => (id ? d.refs.nameOf(id) : undefined);
  const human = (t: string) => humaniseNotice(t, (id) => nameOf(id)).replace(/`\/incident /g, '`incident ');

  function run(req: {
    key: string;
    incidentKey: string | null;
    command: Command;
    actor: Actor;
  }): CommandOutcome | { ok: false; error: DomainError; replay: false; incident: null } {
    try {
      const o = d.service.handle(req);
      if (o.ok && !o.replay) d.dispatcher.kick();
      return o;
    } catch (e) {
      d.logger?.error(
        { err: e instanceof Error ? e.message : String(e), key: req.key, command: req.command.type },
        'teams command failed',
      );
      return {
        ok: false,
        error: { code: 'conflict', message: SOMETHING_WENT_WRONG },
        replay: false,
        incident: null,
      };
    }
  }

  /** The actor's notices as one sentence (others' warnings are not shown: Teams has no ephemeral messages). */
  function noticeText(o: ReturnType<typeof run>, actor: Actor): string {
    if (!o.ok) return human(o.error.message);
    return human(
      o.notices
        .filter((n) => !n.user || n.user === actor.id)
        .map((n) => (n.level === 'warning' ? `⚠️ ${n.text}` : n.text))
        .join('\n'),
    );
  }

  function precheck(incident: Incident, command: Command, actor: Actor): DomainError | null {
    const r = decide(incident, command, {
      actor,
      now: now(),
      playbook: d.service.playbookFor(incident),
      admins: d.admins,
    });
    if (!r.ok && (r.error.code === 'forbidden' || r.error.code === 'closed')) return r.error;
    return null;
  }

  function incidentFor(conversationId: string | undefined, incidentKey?: unknown): Incident | null {
    if (typeof incidentKey === 'string' && incidentKey) return d.store.get(incidentKey);
    if (!conversationId) return null;
    return d.store.findByRoom('teams', conversationId);
  }

  // ------------------------------------------------------------------ forms

  function formCard(
    form: FormName,
    incident: Incident | null,
    mode: FormMode,
    values: FormValues = {},
    errors: FieldErrors = {},
  ) {
    const pb = d.service.playbookFor(incident);
    if (form === 'declare' || !incident) return declareFormCard(pb, mode, values, errors);
    if (form === 'phase') return phaseFormCard(pb, incident, mode, values, errors);
    return communicationFormCard(pb, incident, form, mode, values, errors);
  }

  function formDefaults(form: FormName, incident: Incident | null): FormValues {
    if (!incident || form !== 'alert') return {};
    const ic = incident.roles[d.service.playbookFor(incident).commanderRole]?.[0];
    return {
      start_time: utcStamp(incident.declaredAt),
      ...(ic && nameOf(ic) ? { commander: nameOf(ic) } : {}),
    };
  }

  /** The command a form would issue, for the permission pre-check before showing it. */
  function probeCommand(form: FormName): Command | null {
    if (form === 'phase') return { type: 'advance_phase', confirmed: [] };
    if (form === 'close') return { type: 'close', confirmed: [], fields: {} };
    return null;
  }

  type FormResult =
    | { ok: true; text: string }
    | { ok: false; values: FormValues; errors: FieldErrors; incident: Incident | null };

  function submitForm(
    form: FormName,
    data: Json,
    actor: Actor,
    conversationId: string,
    key: string,
  ): FormResult {
    const values: FormValues = { ...data };
    delete values.action;
    delete values.msteams;
    if (form === 'declare') {
      const pb = d.service.playbookFor(null);
      const raw = {
        title: typeof data.title === 'string' ? data.title : '',
        triggerClass: typeof data.triggerClass === 'string' ? data.triggerClass : '',
        impact: typeof data.impact === 'string' ? data.impact : '',
        severeImpact: data.severeImpact === true || data.severeImpact === 'true',
        drill: data.drill === true || data.drill === 'true',
      };
      const parsed = declareFormSchema(pb).safeParse(raw);
      if (!parsed.success) return { ok: false, values, errors: zodFieldErrors(parsed.error), incident: null };
      d.refs.setDeclaredIn(key, conversationId);
      const o = run({ key, incidentKey: null, actor, command: { type: 'declare', key: '', ...parsed.data } });
      if (!o.ok) return { ok: false, values, errors: { _: human(o.error.message) }, incident: null };
      d.refs.setDeclaredIn(o.incident.key, conversationId);
      return {
        ok: true,
        text: `${o.incident.drill ? 'DRILL: ' : ''}${o.incident.key} declared: ${o.incident.title}. ${noticeText(o, actor)}`,
      };
    }
    const incident = incidentFor(conversationId, data.incidentKey);
    if (!incident) return { ok: false, values, errors: { _: 'There is no such incident.' }, incident: null };
    const pb = d.service.playbookFor(incident);
    let command: Command;
    if (form === 'phase') {
      const to = typeof data.to === 'string' && data.to ? data.to : undefined;
      command = { type: 'advance_phase', confirmed: confirmedCriteria(values), ...(to ? { to } : {}) };
    } else {
      const template = FORM_TEMPLATE[form]!;
      const def = findTemplate(pb, template);
      const raw = Object.fromEntries(
        def.fields.map((f) => [f.id, typeof data[f.id] === 'string' ? data[f.id] : undefined]),
      );
      const v = validateTemplateFields(pb, template, raw);
      if (!v.ok) return { ok: false, values, errors: v.errors, incident };
      command =
        form === 'alert'
          ? { type: 'send_initial_alert', fields: v.fields }
          : form === 'update'
            ? { type: 'post_status_update', fields: v.fields }
            : { type: 'close', confirmed: confirmedCriteria(values), fields: v.fields };
    }
    const o = run({ key, incidentKey: incident.key, actor, command });
    if (!o.ok)
      return { ok: false, values, errors: { _: human(o.error.message) }, incident: o.incident ?? incident };
    const done = noticeText(o, actor);
    const what =
      form === 'phase'
        ? `${incident.key} is now in ${findPhase(pb, o.incident.phase)?.name ?? o.incident.phase}.`
        : form === 'close'
          ? `${incident.key} is closed; the closure notice was sent.`
          : `${FORM_TITLES[form]} sent for ${incident.key}.`;
    return { ok: true, text: done ? `${what} ${done}` : what };
  }

  // ------------------------------------------------------------------ every activity: remember where it came from

  app.on('activity', async (ctx) => {
    const a = ctx.activity as Json;
    const at = now();
    try {
      if (a.serviceUrl && a.conversation?.id) {
        const ref = conversationRefFrom(a);
        d.refs.remember(
          {
            ...ref,
            ...(a.conversation.conversationType ? { conversationType: a.conversation.conversationType } : {}),
          },
          at,
        );
      }
      const userId = a.from?.aadObjectId ?? a.from?.id;
      if (userId && a.from?.role !== 'bot') {
        const personal = a.conversation?.conversationType === 'personal' ? a.conversation.id : undefined;
        d.refs.rememberUser(
          {
            userId,
            ...(a.from.name ? { name: a.from.name } : {}),
            ...(a.from.id ? { teamsId: a.from.id } : {}),
            ...(personal ? { personalConversationId: personal } : {}),
          },
          at,
        );
      }
    } catch (e) {
      d.logger?.warn(
        { err: e instanceof Error ? e.message : String(e) },
        'teams: could not store the conversation reference',
      );
    }
    await ctx.next();
  });

  // ------------------------------------------------------------------ @bot incident <verb>

  app.on('message', async (ctx) => {
    const a = ctx.activity as Json;
    if (a.value && !a.text) {
      // Action.Submit fallback of an Action.Execute (clients without Universal Actions)
      const card = await cardAction(a);
      if ('value' in card && card.type === 'application/vnd.microsoft.card.adaptive')
        await ctx.send(cardMessage(card.value as never));
      return;
    }
    if (a.id && !d.outbox.firstSighting(`teams:msg:${a.id}`, now())) return; // a redelivered message
    const actor = actorOf(a);
    const conversationId: string = a.conversation.id;
    const { text, mentions } = commandTextWithMentions(a);
    const rest = text.replace(/^incident\b\s*/i, '');
    const intent = parseIncidentCommand(rest);
    const send = async (activity: Parameters<typeof ctx.send>[0]) => {
      try {
        await ctx.send(activity);
      } catch (e) {
        // the command itself is stored; only the answer was lost (the outbox carries everything else)
        d.logger?.warn(
          { err: e instanceof Error ? e.message : String(e) },
          'teams: could not answer in the conversation',
        );
      }
    };
    const reply = (t: string) => send({ type: 'message', text: activityText(t, 4000) });
    const key = `teams:${a.id}`;
    const pb = d.service.playbookFor(null);

    if (intent.verb === 'help') {
      await send(cardMessage(helpCard(), 'Incident bot commands'));
      return;
    }
    if (intent.verb === 'unknown') {
      await reply(teamsText(unknownVerb(intent.word, COMMAND_PREFIX)));
      return;
    }
    if (intent.verb === 'usage') {
      await reply(`${intent.problem} Usage: ${teamsText(usage(intent.of, COMMAND_PREFIX))}`);
      return;
    }
    if (intent.verb === 'list') {
      const open = d.store.listOpen();
      const lines = open.map((i) => {
        const ipb = d.service.playbookFor(i);
        const ic = i.roles[ipb.commanderRole]?.[0];
        return `${i.drill ? 'DRILL ' : ''}**${i.key}** ${cardText(i.title, 150)}: ${findPhase(ipb, i.phase)?.name ?? i.phase}, IC ${cardText(nameOf(ic) ?? 'unknown', 80)}, declared ${utcStamp(i.declaredAt)}`;
      });
      await send(
        cardMessage(
          textCard('Open incidents', lines.length ? lines : ['No open incidents.']),
          `${open.length} open incidents`,
        ),
      );
      return;
    }
    if (intent.verb === 'declare') {
      await send(
        cardMessage(
          declareFormCard(pb, 'inline', intent.title ? { title: intent.title } : {}),
          'Declare an incident',
        ),
      );
      return;
    }
    const incident = incidentFor(conversationId);
    if (!incident) {
      await reply(
        teamsText(
          notInIncidentChannel(intent.verb === 'reclassify' ? 'reclassify' : intent.verb, COMMAND_PREFIX),
        ),
      );
      return;
    }
    const ipb = d.service.playbookFor(incident);
    switch (intent.verb) {
      case 'status':
        await send(cardMessage(summaryCard(incident, ipb, nameOf), `${incident.key} status`));
        return;
      case 'alert':
      case 'update':
      case 'phase':
      case 'close': {
        const form: FormName = intent.verb === 'alert' && incident.initialAlertAt ? 'update' : intent.verb;
        const probe = probeCommand(form);
        const refusal = probe ? precheck(incident, probe, actor) : null;
        if (refusal) {
          await reply(human(refusal.message));
          return;
        }
        await send(
          cardMessage(formCard(form, incident, 'inline', formDefaults(form, incident)), FORM_TITLES[form]),
        );
        return;
      }
      case 'reclassify':
        await reply('Re-classifying is not available in Teams yet: ask in Slack or use the CLI.');
        return;
      case 'role': {
        const role = resolveRole(ipb, intent.role);
        if (!role) {
          await reply(`There is no role "${intent.role}". Roles: ${ipb.roles.map((r) => r.id).join(', ')}.`);
          return;
        }
        let command: Command = { type: 'claim_role', role };
        if (intent.user) {
          const m = mentions.get(intent.user);
          const user = m ? await resolveUser(m, conversationId, ctx) : intent.user;
          if (user !== actor.id) command = { type: 'assign_role', role, user };
        }
        const o = run({ key, incidentKey: incident.key, actor, command });
        await reply(noticeText(o, actor) || 'Done.');
        return;
      }
      case 'log':
      case 'decision': {
        const o = run({
          key,
          incidentKey: incident.key,
          actor,
          command: { type: intent.verb, text: intent.text },
        });
        await reply(noticeText(o, actor) || 'Done.');
        return;
      }
    }
  });

  /** A mentioned person's id as actors carry it (AAD object id), via what we know or the connector. */
  async function resolveUser(m: Mention, conversationId: string, ctx: Json): Promise<string> {
    const known = d.refs.user(m.id);
    if (known) return known.userId;
    try {
      const member = await ctx.api.conversations.members(channelOf(conversationId)).getById(m.id);
      const id = member?.aadObjectId ?? m.id;
      d.refs.rememberUser({ userId: id, name: member?.name ?? m.name, teamsId: m.id }, now());
      return id;
    } catch {
      d.refs.rememberUser({ userId: m.id, name: m.name, teamsId: m.id }, now());
      return m.id;
    }
  }

  // ------------------------------------------------------------------ Action.Execute

  async function cardAction(a: Json) {
    const action = a.value?.action ?? { data: a.value };
    const data = (action.data ?? {}) as Json;
    const verb = String(data.action ?? action.verb ?? '');
    const actor = actorOf(a);
    const conversationId: string = a.conversation?.id;
    const key = `teams:card:${a.replyToId ?? ''}:${verb}:${stable(data)}:${actor.id}`;

    if (verb === VERB.formSubmit) {
      const form = String(data.form ?? '') as FormName;
      if (!(form in FORM_TITLES)) return cardActionErrorResponse(400, 'BadRequest', 'unknown form');
      const r = submitForm(form, data, actor, conversationId, key);
      if (r.ok) return cardActionCardResponse(doneCard(cardText(r.text, 1000)));
      return cardActionCardResponse(formCard(form, r.incident, 'inline', r.values, r.errors));
    }

    const incident = incidentFor(conversationId, data.incidentKey);
    if (!incident)
      return cardActionErrorResponse(400, 'BadRequest', 'This card is not about a known incident.');
    let command: Command | null = null;
    let view: 'summary' | 'checklist' = 'summary';
    const role = typeof data.role === 'string' ? data.role : '';
    switch (verb) {
      case VERB.claimRole:
        command = { type: 'claim_role', role };
        break;
      case VERB.releaseRole:
        command = { type: 'release_role', role };
        break;
      case VERB.handoverRole: {
        const user = data[`handover_${role}`];
        if (typeof user !== 'string' || !user) {
          const pb = d.service.playbookFor(incident);
          return cardActionCardResponse(
            summaryCard(incident, pb, nameOf, {
              note: 'Pick the person to hand the role over to.',
              noteIsError: true,
            }),
          );
        }
        command = user === actor.id ? { type: 'claim_role', role } : { type: 'assign_role', role, user };
        break;
      }
      case VERB.checkItem:
        view = 'checklist';
        command =
          data.state === 'uncheck'
            ? { type: 'uncheck_item', item: String(data.item) }
            : { type: 'check_item', item: String(data.item) };
        break;
      default:
        return cardActionErrorResponse(400, 'BadRequest', `unknown action "${verb}"`);
    }
    const o = run({ key, incidentKey: incident.key, actor, command });
    const current = d.store.get(incident.key) ?? incident;
    const pb = d.service.playbookFor(current);
    const note = noticeText(o, actor);
    const opts = { note, noteIsError: !o.ok };
    return cardActionCardResponse(
      view === 'summary' ? summaryCard(current, pb, nameOf, opts) : checklistCard(current, pb, nameOf, opts),
    );
  }

  app.on('card.action', async (ctx) => cardAction(ctx.activity as Json));

  // ------------------------------------------------------------------ dialogs

  app.on('dialog.open', async (ctx) => {
    const a = ctx.activity as Json;
    const data = (a.value?.data ?? {}) as Json;
    const form = String(data.dialog ?? 'declare') as FormName;
    if (!(form in FORM_TITLES)) return dialogMessage('Unknown form.');
    const actor = actorOf(a);
    if (form === 'declare')
      return dialogContinue(FORM_TITLES.declare, declareFormCard(d.service.playbookFor(null), 'dialog'));
    const incident = incidentFor(a.conversation?.id, data.incidentKey);
    if (!incident) return dialogMessage('This is not an incident room.');
    const probe = probeCommand(form);
    const refusal = probe ? precheck(incident, probe, actor) : null;
    if (refusal) return dialogMessage(human(refusal.message));
    return dialogContinue(
      FORM_TITLES[form],
      formCard(form, incident, 'dialog', formDefaults(form, incident)),
    );
  });

  app.on('dialog.submit', async (ctx) => {
    const a = ctx.activity as Json;
    const data = (a.value?.data ?? {}) as Json;
    const form = String(data.form ?? '') as FormName;
    if (!(form in FORM_TITLES)) return dialogMessage('Unknown form.');
    const r = submitForm(form, data, actorOf(a), a.conversation?.id, `teams:${a.id}`);
    if (r.ok) return dialogMessage(r.text);
    return dialogContinue(FORM_TITLES[form], formCard(form, r.incident, 'dialog', r.values, r.errors));
  });

  // ------------------------------------------------------------------ message action: Add to incident log

  app.on('message.ext.submit', async (ctx) => {
    const a = ctx.activity as Json;
    const v = a.value ?? {};
    if (v.commandId !== MESSAGE_ACTION_ADD_TO_LOG) return messageExtensionMessage('Unknown command.');
    const p = v.messagePayload;
    if (!p?.id) return messageExtensionMessage('Use this on a message.');
    const conv: string = a.conversation?.id ?? '';
    const channel = channelOf(conv);
    const data = (v.data ?? {}) as Json;
    const incident =
      incidentFor(conv, data.incidentKey) ??
      (p.replyToId ? d.store.findByRoom('teams', `${channel};messageid=${p.replyToId}`) : null) ??
      d.store.findByRoom('teams', `${channel};messageid=${p.id}`);
    if (!incident)
      return messageExtensionMessage(
        "This message is not in an incident's thread, so I can't tell which incident to add it to.",
      );
    const text = htmlToText(p.body?.content ?? '');
    const source: MessageSource = {
      messageId: `${channel}:${p.id}`,
      ...(p.linkToMessage ? { permalink: p.linkToMessage } : {}),
      ...(p.from?.user?.displayName ? { author: p.from.user.displayName } : {}),
      ...(p.createdDateTime ? { writtenAt: new Date(p.createdDateTime).toISOString() } : {}),
    };
    const kind = data.kind === 'decision' ? 'decision' : 'log';
    const note = typeof data.note === 'string' && data.note.trim() ? data.note.trim() : undefined;
    const command: Command =
      kind === 'decision'
        ? { type: 'decision', text: text || '(no text)', source, ...(note ? { rationale: note } : {}) }
        : { type: 'log', text, source, ...(note ? { note } : {}) };
    const o = run({ key: `teams:${a.id}`, incidentKey: incident.key, actor: actorOf(a), command });
    return messageExtensionMessage(
      activityText(`${incident.key}: ${noticeText(o, actorOf(a)) || 'Added to the incident log.'}`, 500),
    );
  });
}

/** Slack-flavoured help text (`*bold*`, `&lt;`) made readable in Teams. */
function teamsText(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\*([^*\n]+)\*/g, '$1');
}

export function helpCard() {
  const lines = helpText(COMMAND_PREFIX)
    .split('\n')
    .slice(1)
    .map((l) => cardText(teamsText(l), 300));
  lines.push(
    cardText('On any message in an incident thread: ... > More actions > "Add to incident log".', 300),
  );
  return textCard('Incident bot: runs the emergency procedures handbook', lines);
}
