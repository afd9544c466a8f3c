// A confidential incident's stakeholders hear only the confidential notice, whatever owes them a message
// (initial alert, status update, closure notice): never its key, title, impact or the template's text.
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/decide.js';
import type { MessageEffect } from '../../../src/domain/effects.js';
import type { Incident } from '../../../src/domain/incident.js';
import { postView } from '../../../src/views/posts.js';
import { alertFields, at, ctx, declared, ic, must, playbook, updateFields } from '../../helpers/scenario.js';

function stakeholderPosts(i: Incident, type: 'send_initial_alert' | 'post_status_update') {
  const fields = type === 'send_initial_alert' ? alertFields : updateFields;
  const r = decide(i, { type, fields }, ctx(ic, at(5)));
  if (!r.ok) throw new Error(r.error.message);
  return {
    incident: r.incident,
    posts: r.effects.filter(
      (e): e is MessageEffect => e.type === 'message' && e.target.to === 'stakeholders',
    ),
  };
}

describe('stakeholder messages of a confidential incident', () => {
  it('the initial alert and a status update reach stakeholders as the notice only', () => {
    const secret = declared({ title: 'Credential leak in the pricing API', confidential: true });
    const alert = stakeholderPosts(secret, 'send_initial_alert');
    expect(alert.posts).toHaveLength(1);
    const body = alert.posts[0]!.body;
    expect(body).toEqual({ kind: 'post', template: 'confidential_notice', data: { what: 'initial_alert' } });
    const update = stakeholderPosts(alert.incident, 'post_status_update');
    expect(update.posts.map((p) => p.body)).toEqual([
      { kind: 'post', template: 'confidential_notice', data: { what: 'status_update' } },
    ]);
    // What the channel reads names neither the incident nor what the members were told.
    const view = JSON.stringify(
      postView('confidential_notice', { what: 'status_update' }, update.incident, playbook),
    );
    expect(view).toContain('posted a status update for its members');
    expect(view).not.toContain(secret.key);
    expect(view).not.toContain('Credential leak');
    expect(view).not.toContain(updateFields.developments);
  });

  it('an incident that is not confidential sends the template itself', () => {
    const open = declared();
    const alert = stakeholderPosts(open, 'send_initial_alert');
    expect(alert.posts.map((p) => p.body.kind === 'post' && p.body.template)).toEqual(['communication']);
  });

  it('made public (with a reason), the next update goes to stakeholders in full', () => {
    const secret = declared({ confidential: true });
    const shown = must(
      secret,
      { type: 'set_confidential', confidential: false, reason: 'disclosed' },
      ctx(ic, at(1)),
    );
    const alert = stakeholderPosts(shown, 'send_initial_alert');
    expect(alert.posts.map((p) => p.body.kind === 'post' && p.body.template)).toEqual(['communication']);
  });
});
