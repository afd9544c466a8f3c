// The room's buttons (role claims, checklist ticks, snoozes, follow-ups done) and its box for typed verbs,
// both through the application layer; the answer is shown on the room page they return to.
import type { Express } from 'express';
import { press } from '../../../app/buttons.js';
import { localText } from '../../../app/local-people.js';
import { textCommand } from '../../../app/text-commands.js';
import { type FormView, inputs } from '../../../views/form.js';
import { appRequest, roomLinkOf, type WebContext } from '../context.js';
import { type Body, one } from '../parse/form-values.js';
import { readPress } from '../parse/press.js';
import { formPath, incidentPath } from '../render/buttons.js';
import { h, textHtml } from '../render/html.js';
import { helpHtml, listHtml } from '../render/post.js';
import { tell } from './answers.js';
import { showForm } from './forms.js';
import { visibleIncident } from './room.js';

/** A typed verb's form opens with what it was given (an action's id and reason), carried in the address. */
function openedWith(form: FormView): Record<string, string> | undefined {
  if (form.name !== 'action') return undefined;
  const out: Record<string, string> = {};
  for (const f of inputs(form))
    if ((f.kind === 'text' || f.kind === 'choice') && f.value) out[f.id] = f.value;
  return out;
}

export function registerActions(app: Express, ctx: WebContext): void {
  app.post('/incidents/:key/press', (req, res) => {
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    const rq = appRequest(ctx, req, incident);
    const p = readPress((req.body ?? {}) as Body);
    if (!p) ctx.notices.add(rq.actor.id, h`I could not read that button.`);
    else tell(ctx, rq.actor.id, press(ctx.app, rq, incident, p).answer);
    res.redirect(303, incidentPath(incident.key));
  });

  app.post('/incidents/:key/say', (req, res) => {
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    const rq = appRequest(ctx, req, incident);
    const back = incidentPath(incident.key);
    const text = one((req.body ?? {}) as Body, 'text').trim();
    if (!text) {
      res.redirect(303, back);
      return;
    }
    // The verbs are those of an incident's room: the console speaks in this incident's.
    const reply = textCommand(
      ctx.app,
      ctx.surface,
      rq.roomId ? rq : { ...rq, roomId: incident.room?.id ?? '' },
      localText(text),
    );
    const link = roomLinkOf(ctx);
    switch (reply.kind) {
      case 'text':
        ctx.notices.add(rq.actor.id, textHtml(reply.text, link));
        break;
      case 'answer':
        tell(ctx, rq.actor.id, reply.answer, 'Done.');
        break;
      case 'help':
        ctx.notices.add(rq.actor.id, helpHtml(reply.view, link));
        break;
      case 'list':
        ctx.notices.add(rq.actor.id, listHtml(null, reply.view, link));
        break;
      case 'form':
        if (reply.form.name === 'declare')
          showForm(ctx, req, res, reply.form, { action: '/declare', cancel: back });
        else res.redirect(303, formPath(incident.key, reply.form.name, openedWith(reply.form)));
        return;
      case 'export':
        res.redirect(303, `${back}/export`);
        return;
    }
    res.redirect(303, back);
  });
}
