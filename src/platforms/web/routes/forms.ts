// The forms (declare, alert, update, phase, close, re-classify, follow-up, review): opened from the
// application layer (which says first whether this person may use it), read back by field id, submitted
// as one command. A refused or invalid submission shows the form again with what is wrong.
import { randomUUID } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import {
  type IncidentFormName,
  isFormName,
  openForm,
  shownForm,
  submitForm,
} from '../../../app/form-flow.js';
import { localActor } from '../../../app/local-people.js';
import type { Incident } from '../../../domain/incident.js';
import type { FieldErrors, FormValues, FormView } from '../../../views/form.js';
import { appRequest, chrome, roomLinkOf, type WebContext } from '../context.js';
import { type Body, readForm } from '../parse/form-values.js';
import { formPath, incidentPath } from '../render/buttons.js';
import { formHtml } from '../render/form.js';
import { h, textHtml } from '../render/html.js';
import { notice, page } from '../render/page.js';
import { me } from '../session.js';
import { tellOthers } from './answers.js';
import { visibleIncident } from './room.js';

export function showForm(
  ctx: WebContext,
  req: Request,
  res: Response,
  form: FormView,
  o: { action: string; cancel: string; errors?: FieldErrors; status?: number },
): void {
  const c = chrome(ctx, req, form.title);
  res
    .status(o.status ?? 200)
    .type('html')
    .send(
      page(
        c,
        formHtml(form, {
          action: o.action,
          cancel: o.cancel,
          key: randomUUID(),
          ...(o.errors ? { errors: o.errors } : {}),
          roomLink: roomLinkOf(ctx),
        }),
      ),
    );
}

function submit(
  ctx: WebContext,
  req: Request,
  res: Response,
  name: IncidentFormName,
  incident: Incident | null,
  paths: { action: string; cancel: string },
): void {
  const person = me(req);
  const actor = localActor(person);
  const shown = shownForm(ctx.app, ctx.surface, name, incident, actor);
  const { values, errors: readErrors } = readForm(shown, (req.body ?? {}) as Body);
  const r = submitForm(
    ctx.app,
    ctx.surface,
    name,
    appRequest(ctx, req, incident),
    incident,
    values,
    readErrors,
  );
  if (!r.ok) {
    if ('refusal' in r) {
      res
        .status(403)
        .type('html')
        .send(notice(chrome(ctx, req, 'Refused'), 'Refused', textHtml(r.refusal)));
      return;
    }
    showForm(ctx, req, res, r.form, { ...paths, errors: r.errors, status: 422 });
    return;
  }
  const text =
    r.inForm?.text ?? ([r.confirm ? r.done : '', r.answer.text].filter(Boolean).join('\n') || r.done);
  if (text) ctx.notices.add(person.id, textHtml(text, roomLinkOf(ctx)));
  tellOthers(ctx, r.answer);
  res.redirect(303, incidentPath(r.outcome.incident.key));
}

/** Values from the address (`?title=…`) a form opens with. */
function prefill(req: Request): FormValues {
  return typeof req.query.title === 'string' ? { title: req.query.title.slice(0, 200) } : {};
}

/** What an incident form opens with from its address (`?action=…&reason=…`): strings only, kept short. */
function queryPrefill(req: Request): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(req.query).slice(0, 10))
    if (typeof v === 'string' && /^[a-z_]{1,40}$/.test(k)) out[k] = v.slice(0, 500);
  return out;
}

export function registerForms(app: Express, ctx: WebContext): void {
  app.get('/declare', (req, res) => {
    const opened = openForm(
      ctx.app,
      ctx.surface,
      'declare',
      null,
      { actor: localActor(me(req)) },
      prefill(req),
    );
    if (!opened.ok) {
      res
        .status(403)
        .type('html')
        .send(notice(chrome(ctx, req, 'Refused'), 'Refused', textHtml(opened.refusal)));
      return;
    }
    showForm(ctx, req, res, opened.form, { action: '/declare', cancel: '/' });
  });
  app.post('/declare', (req, res) =>
    submit(ctx, req, res, 'declare', null, { action: '/declare', cancel: '/' }),
  );

  app.get('/incidents/:key/forms/:form', (req, res) => {
    const name = req.params.form;
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    if (!isFormName(name) || name === 'declare') {
      res
        .status(404)
        .type('html')
        .send(notice(chrome(ctx, req, 'Not found'), 'No such form', h`There is no form ${name}.`));
      return;
    }
    const rq = appRequest(ctx, req, incident);
    const opened = openForm(ctx.app, ctx.surface, name, incident, rq, queryPrefill(req));
    if (!opened.ok) {
      ctx.notices.add(rq.actor.id, textHtml(opened.refusal, roomLinkOf(ctx)));
      res.redirect(303, incidentPath(incident.key));
      return;
    }
    showForm(ctx, req, res, opened.form, {
      action: formPath(incident.key, name),
      cancel: incidentPath(incident.key),
    });
  });
  app.post('/incidents/:key/forms/:form', (req, res) => {
    const name = req.params.form;
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    if (!isFormName(name) || name === 'declare') {
      res.status(404).type('text/plain').send('No such form.');
      return;
    }
    submit(ctx, req, res, name, incident, {
      action: formPath(incident.key, name),
      cancel: incidentPath(incident.key),
    });
  });
}
