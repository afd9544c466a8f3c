// The incident verbs typed as text (`/incident <verb>` in Slack, `@bot incident <verb>` in Teams): what each
// one answers, the same everywhere. Platforms parse their syntax into neutral text (mentions and links are
// tokens) and deliver the reply their own way (ephemeral, a reply, a modal, a card).

import type { Command } from '../domain/commands.js';
import type { Incident } from '../domain/incident.js';
import { cleanText } from '../domain/template-fields.js';
import { code, segments, type Text, userText } from '../domain/text.js';
import type { FormView } from '../views/form.js';
import { type HelpView, helpView, notInIncidentRoom, unknownVerb, usage } from '../views/help.js';
import { followupList, incidentList, type ListView, statusView } from '../views/lists.js';
import { actionStep } from './action-verbs.js';
import { type Answer, SOMETHING_WENT_WRONG } from './answers.js';
import { commitmentStep } from './commitment-verbs.js';
import { openForm, withStakeholderWarning } from './form-flow.js';
import type { IncidentApp, Request, Surface } from './incident-app.js';
import { type IncidentIntent, parseIncidentCommand, resolveRole, scopeOf } from './intents.js';
import { listedFor } from './membership.js';
import { pageStep } from './page-verbs.js';
import { leadStep } from './workstream-verbs.js';

/** Longest log entry, decision or reason typed as a command (a platform's recommended message size). */
export const MAX_LOG_TEXT = 4000;

export type Reply =
  /** A sentence for whoever asked. */
  | { kind: 'text'; text: Text }
  /** A command ran: what to tell whom. */
  | { kind: 'answer'; answer: Answer }
  /** A form to open (a modal, a card, a dialog). */
  | { kind: 'form'; form: FormView }
  | { kind: 'help'; view: HelpView }
  /** A list (open incidents, one incident's status, its follow-ups). */
  | { kind: 'list'; view: ListView }
  /** Render the record and deliver it (platforms differ), then record it with `recordExport`. */
  | { kind: 'export'; incident: Incident };

/**
 * `evidence <link or text>`: the first link (a link token, or a bare http(s) URL) is the link, the rest
 * of the text its name (or the link's own title).
 */
export function evidenceCommand(text: Text): Extract<Command, { type: 'evidence' }> {
  const segs = segments(text);
  const linked = segs.find((s) => s.kind === 'link');
  if (linked?.kind === 'link') {
    const rest = segs
      .filter((s) => s !== linked)
      .map((s) => (s.kind === 'text' ? s.text : ''))
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
    return { type: 'evidence', name: rest || linked.title || linked.url, link: linked.url };
  }
  const plain = userText(text);
  const m = /https?:\/\/[^\s<>"]+/.exec(plain);
  if (!m) return { type: 'evidence', name: plain.trim() };
  const link = m[0].replace(/[).,;]+$/, '');
  const rest = (plain.slice(0, m.index) + plain.slice(m.index + m[0].length)).replace(/\s+/g, ' ').trim();
  return { type: 'evidence', name: rest || link, link };
}

/** The declare form, prefilled: the title, and the first person @mentioned in it as incident commander. */
function declareReply(app: IncidentApp, s: Surface, req: Request, title: Text): Reply {
  const mentioned = segments(title).find((x) => x.kind === 'mention');
  const plainTitle = segments(title)
    .map((x) => (x.kind === 'text' ? x.text : x.kind === 'link' ? x.url : ''))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const prefill = {
    ...(plainTitle ? { title: plainTitle } : {}),
    ...(mentioned?.kind === 'mention' ? { commander: mentioned.user } : {}),
  };
  const opened = openForm(app, s, 'declare', null, req, prefill);
  return opened.ok ? { kind: 'form', form: opened.form } : { kind: 'text', text: opened.refusal };
}

function tooLong(what: string, n: number): Reply {
  return {
    kind: 'text',
    text: `That ${what} is too long (${n} characters; at most ${MAX_LOG_TEXT}). Nothing was recorded: split it up, or attach it as a file and log the message instead.`,
  };
}

function run(app: IncidentApp, s: Surface, req: Request, incident: Incident, command: Command): Reply {
  const { outcome, answer } = app.act({
    key: req.key,
    incidentKey: incident.key,
    command,
    actor: req.actor,
    ...(req.roomId ? { roomId: req.roomId } : {}),
    ...(req.sighting ? { sighting: req.sighting } : {}),
  });
  const warned = withStakeholderWarning(answer, command, app.playbookFor(incident), s);
  if (!warned.text) warned.text = outcome.ok ? 'Done.' : SOMETHING_WENT_WRONG;
  return { kind: 'answer', answer: warned };
}

/** What a typed verb asks for. */
export function textCommand(app: IncidentApp, s: Surface, req: Request, text: Text): Reply {
  const intent = parseIncidentCommand(text);
  switch (intent.verb) {
    case 'help':
      return { kind: 'help', view: helpView() };
    case 'unknown':
      return { kind: 'help', view: unknownVerb(intent.word) };
    case 'usage':
      return { kind: 'text', text: `${intent.problem} Usage: ${usage(intent.of)}` };
    case 'list':
      return {
        kind: 'list',
        view: incidentList(listedFor(app, req.actor), (i) => app.playbookFor(i), app.now()),
      };
    case 'declare':
      return declareReply(app, s, req, intent.title);
    default:
      break;
  }
  if (scopeOf(intent.verb) !== 'incident') return { kind: 'help', view: unknownVerb(intent.verb) };
  const incident = app.incidentInRoom(s.platform, req.roomId);
  if (!incident) return { kind: 'text', text: notInIncidentRoom(intent.verb) };
  return incidentVerb(app, s, req, incident, intent);
}

function incidentVerb(
  app: IncidentApp,
  s: Surface,
  req: Request,
  incident: Incident,
  intent: IncidentIntent,
): Reply {
  const pb = app.playbookFor(incident);
  // Reading the record is for its members (and whoever is in its room): status, follow-ups and export too.
  if (!app.mayRead(incident, req.actor, req.roomId)) return { kind: 'text', text: app.notMember(incident) };
  switch (intent.verb) {
    case 'add':
      return run(app, s, req, incident, { type: 'add_member', user: intent.user });
    case 'confidential':
      return run(app, s, req, incident, { type: 'set_confidential', confidential: true });
    case 'public': {
      const reason = cleanText(userText(intent.reason));
      if (reason.length > MAX_LOG_TEXT) return tooLong('reason', reason.length);
      return run(app, s, req, incident, { type: 'set_confidential', confidential: false, reason });
    }
    case 'status':
      return { kind: 'list', view: statusView(incident, pb, app.now()) };
    case 'followups':
      return { kind: 'list', view: followupList(incident) };
    case 'export':
      return { kind: 'export', incident };
    case 'alert':
    case 'update':
    case 'phase':
    case 'reclassify':
    case 'close':
    case 'followup':
    case 'review':
    case 'recap': {
      const opened = openForm(app, s, intent.verb, incident, req);
      return opened.ok ? { kind: 'form', form: opened.form } : { kind: 'text', text: opened.refusal };
    }
    case 'role': {
      const role = resolveRole(pb, intent.role);
      if (!role) {
        const names = pb.roles.map((r) => `${code(r.id)} (${userText(r.name)})`).join(', ');
        return {
          kind: 'text',
          text: `There is no role "${userText(intent.role).slice(0, 60)}". Roles: ${names}.`,
        };
      }
      const c: Command =
        intent.user && intent.user !== req.actor.id
          ? { type: 'assign_role', role, user: intent.user }
          : { type: 'claim_role', role };
      return run(app, s, req, incident, c);
    }
    case 'standdown': {
      const reason = cleanText(userText(intent.reason));
      if (reason.length > MAX_LOG_TEXT) return tooLong('reason', reason.length);
      return run(app, s, req, incident, { type: 'stand_down', reason });
    }
    case 'log':
    case 'decision': {
      // Control characters are dropped (as in the forms); an over-long entry is refused, not truncated.
      const text = cleanText(userText(intent.text));
      if (text.length > MAX_LOG_TEXT) return tooLong('entry', text.length);
      const c: Command =
        intent.verb === 'log'
          ? { type: 'log', text }
          : {
              type: 'decision',
              text,
              ...(intent.rationale ? { rationale: cleanText(userText(intent.rationale)) } : {}),
            };
      return run(app, s, req, incident, c);
    }
    case 'evidence':
      return run(app, s, req, incident, evidenceCommand(intent.text));
    case 'action': {
      const step = actionStep(intent, { incident, playbook: pb, isSet: app.service.isSet });
      if (step.kind === 'text') return step;
      const opened = openForm(app, s, 'action', incident, req, step.prefill);
      return opened.ok ? { kind: 'form', form: opened.form } : { kind: 'text', text: opened.refusal };
    }
    case 'page': {
      const step = pageStep(intent, { incident, playbook: pb, paging: app.service.paging });
      return step.kind === 'run' ? run(app, s, req, incident, step.command) : step;
    }
    case 'lead': {
      const step = leadStep(intent, { incident, playbook: pb, actorId: req.actor.id });
      return step.kind === 'run' ? run(app, s, req, incident, step.command) : step;
    }
    case 'commit':
    case 'question':
    case 'kept':
    case 'dropped':
    case 'answer':
    case 'commitments': {
      const step = commitmentStep(intent, {
        incident,
        playbook: pb,
        now: app.now(),
        key: req.key,
        nameOf: (u) => s.nameOf(u),
      });
      if (step.kind !== 'run') return step;
      const r = run(app, s, req, incident, step.command);
      return r.kind === 'answer' && r.answer.ok ? { ...r, answer: { ...r.answer, text: step.done } } : r;
    }
    default:
      return { kind: 'help', view: unknownVerb(intent.verb) };
  }
}
