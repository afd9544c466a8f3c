// A FormView as an HTML form: every field labelled, errors next to their field (and announced), the
// idempotency key hidden in it so a double submit is one command.
import { LOCAL_PEOPLE } from '../../../app/local-people.js';
import type { Field, FieldErrors, FormView } from '../../../views/form.js';
import { ME } from '../../../views/form.js';
import { type Html, h, type RoomLink, raw, textHtml } from './html.js';

const sel = (on: boolean) => raw(on ? ' selected' : '');
const chk = (on: boolean) => raw(on ? ' checked' : '');

function describedBy(f: Field, errors: FieldErrors): Html {
  const ids = [f.hint ? `${f.id}-hint` : '', errors[f.id] ? `${f.id}-error` : ''].filter(Boolean);
  return ids.length ? h` aria-describedby="${ids.join(' ')}"` : raw('');
}

function control(f: Field, errors: FieldErrors): Html {
  const req = raw(f.required ? ' required' : '');
  const aria = describedBy(f, errors);
  const invalid = raw(errors[f.id] ? ' aria-invalid="true"' : '');
  switch (f.kind) {
    case 'text':
      return f.multiline
        ? h`<textarea id="f-${f.id}" name="${f.id}" maxlength="${String(f.maxLength)}" rows="4" placeholder="${f.placeholder ?? ''}"${req}${aria}${invalid}>${f.value ?? ''}</textarea>`
        : h`<input id="f-${f.id}" name="${f.id}" type="text" maxlength="${String(f.maxLength)}" value="${f.value ?? ''}" placeholder="${f.placeholder ?? ''}"${req}${aria}${invalid}>`;
    case 'choice':
      if (f.expanded)
        return h`<div class="choices"${aria}>${f.options.map(
          (o, n) =>
            h`<label><input type="radio" name="${f.id}" value="${o.value}"${chk(f.value === o.value)}${raw(n === 0 && f.required ? ' required' : '')}> ${o.label}${o.description ? h` <small>${o.description}</small>` : ''}</label>`,
        )}</div>`;
      return h`<select id="f-${f.id}" name="${f.id}"${req}${aria}${invalid}><option value="">${f.placeholder ?? 'Choose…'}</option>${f.options.map(
        (o) =>
          h`<option value="${o.value}"${sel(f.value === o.value)}>${o.label}${o.description ? ` — ${o.description}` : ''}</option>`,
      )}</select>`;
    case 'checks':
      return h`<div class="checks"${aria}>${f.options.map(
        (o) =>
          h`<label><input type="checkbox" name="${f.id}" value="${o.value}"${chk(f.values.includes(o.value))}> ${o.label}${o.description ? h` <small>${o.description}</small>` : ''}</label>`,
      )}</div>`;
    case 'toggle':
      if (f.yesLabel)
        return h`<div class="choices"${aria}><label><input type="radio" name="${f.id}" value="no"${chk(!f.value)}> No</label><label><input type="radio" name="${f.id}" value="yes"${chk(f.value)}> ${f.yesLabel}</label></div>`;
      return h`<label class="box"><input id="f-${f.id}" type="checkbox" name="${f.id}" value="yes"${chk(f.value)}${aria}> ${f.box ?? f.label}</label>`;
    case 'person':
      return h`<select id="f-${f.id}" name="${f.id}"${req}${aria}${invalid}><option value="">${f.placeholder ?? 'Choose a person…'}</option>${f.me ? h`<option value="${ME}"${sel(f.value === ME)}>Me</option>` : ''}${LOCAL_PEOPLE.map(
        (p) => h`<option value="${p.id}"${sel(f.value === p.id)}>${p.name}</option>`,
      )}</select>`;
    case 'date':
      return h`<input id="f-${f.id}" name="${f.id}" type="date" value="${f.value ?? ''}"${req}${aria}${invalid}>`;
  }
}

function fieldHtml(f: Field, errors: FieldErrors, roomLink: RoomLink): Html {
  const grouped =
    f.kind === 'checks' || (f.kind === 'choice' && f.expanded) || (f.kind === 'toggle' && f.yesLabel);
  const label = h`${f.label}${f.required ? h` <span class="req" aria-hidden="true">*</span>` : ''}`;
  const hint = f.hint ? h`<p class="hint" id="${f.id}-hint">${textHtml(f.hint, roomLink)}</p>` : '';
  const error = errors[f.id] ? h`<p class="error" id="${f.id}-error">${errors[f.id]!}</p>` : '';
  if (grouped)
    return h`<fieldset class="field"><legend>${label}</legend>${hint}${control(f, errors)}${error}</fieldset>`;
  if (f.kind === 'toggle') return h`<div class="field">${hint}${control(f, errors)}${error}</div>`;
  return h`<div class="field"><label for="f-${f.id}">${label}</label>${hint}${control(f, errors)}${error}</div>`;
}

export function formHtml(
  form: FormView,
  o: { action: string; cancel: string; key: string; errors?: FieldErrors; roomLink: RoomLink },
): Html {
  const errors = o.errors ?? {};
  return h`<section class="form-card" aria-labelledby="form-title">
<h1 id="form-title">${form.title}${form.incidentKey ? h` <small>${form.incidentKey}</small>` : ''}</h1>
${errors._ ? h`<p class="error" role="alert">${textHtml(errors._, o.roomLink)}</p>` : ''}
${Object.keys(errors).some((k) => k !== '_') ? h`<p class="error" role="alert">Some fields need a fix: see below.</p>` : ''}
<form method="post" action="${o.action}" novalidate>
<input type="hidden" name="_key" value="${o.key}">
${form.intro.map((t) => h`<p>${textHtml(t, o.roomLink)}</p>`)}
${form.fields.map((f) => (f.kind === 'note' ? h`<p class="note">${textHtml(f.text, o.roomLink)}</p>` : fieldHtml(f, errors, o.roomLink)))}
<div class="buttons"><button type="submit" class="primary">${form.submit}</button> <a href="${o.cancel}">Cancel</a></div>
</form>
</section>`;
}
