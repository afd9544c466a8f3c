// The playbook's `actions` (issue 19: freeze deployments, master switch): the shipped four are valid and
// point at the handbook's checklist items; bad entries are refused with their path; `playbook check` says
// which actions are not configured in its environment; the body template is filled as the system receives it.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { playbookCheck } from '../../src/cli/playbook-check.js';
import type { Playbook } from '../../src/domain/playbook.js';
import {
  DEFAULT_ACTION_BODY,
  fillTemplate,
  hostAndPath,
  substituteVariables,
  unsetVariables,
  variablesOf,
} from '../../src/domain/playbook-actions.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { playbook } from '../helpers/scenario.js';

const raw = (): Playbook => parse(readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8')) as Playbook;

function errorsWith(change: (pb: Playbook) => void): string[] {
  const pb = raw();
  change(pb);
  const r = validatePlaybook(pb);
  return r.ok ? [] : r.errors;
}

describe('playbook actions', () => {
  it('the shipped playbook freezes deployments and works the master switch, each with its undo', () => {
    const byId = Object.fromEntries((playbook.actions ?? []).map((a) => [a.id, a]));
    expect(Object.keys(byId)).toEqual([
      'freeze_deployments',
      'unfreeze_deployments',
      'master_switch_off',
      'master_switch_on',
    ]);
    expect(byId.freeze_deployments!.completes).toBe('stabilize.freeze_deploys');
    expect(byId.master_switch_off!.completes).toBe('stabilize.switch_off');
    expect(byId.unfreeze_deployments!.undoes).toBe('freeze_deployments');
    expect(byId.master_switch_on!.undoes).toBe('master_switch_off');
    // the master switch is the IC's alone (the handbook: "authority to invoke the Master Switch Guide")
    expect(byId.master_switch_off!.roles).toBeUndefined();
    expect(variablesOf(byId.freeze_deployments!)).toEqual(['PROMOTION_GATE_URL', 'PROMOTION_GATE_TOKEN']);
    // nothing secret is written down: the header names its variable
    expect(byId.freeze_deployments!.webhook.headers).toEqual({
      Authorization: 'Bearer ${PROMOTION_GATE_TOKEN}',
    });
  });

  it('refuses bad entries, each with its path', () => {
    expect(
      errorsWith((pb) => {
        pb.actions![0]!.completes = 'stabilize.nope';
        pb.actions![0]!.roles = ['nobody'];
        pb.actions![1]!.undoes = 'nothing';
        pb.actions![2]!.webhook.url = 'ftp://example.com/off';
        pb.actions![3]!.webhook.headers = { Authorization: 'Bearer hunter2' };
      }),
    ).toEqual([
      'actions[0].roles[0]: unknown role "nobody"',
      'actions[0].completes: unknown checklist item "stabilize.nope"',
      'actions[1].undoes: unknown action "nothing"',
      'actions[2].webhook.url: must start with http:// or https:// (or with a ${VARIABLE} holding one)',
      'actions[3].webhook.headers.Authorization: a secret never goes in the playbook: reference a ${VARIABLE}',
    ]);
    expect(
      errorsWith((pb) => {
        pb.actions![1]!.id = 'freeze_deployments';
        pb.actions![2]!.completes = 'communicate.initial_alert';
        (pb.actions![0]!.webhook as { body: unknown }).body = { who: '{whoever}', secret: '${TOKEN}' };
      }),
    ).toEqual(
      expect.arrayContaining([
        'actions[1].id: duplicate action id "freeze_deployments" (first at index 0)',
        'actions[2].completes: checklist item "communicate.initial_alert" is already completed by initial_alert_sent',
        expect.stringMatching(/^actions\[0\]\.webhook\.body: unknown placeholder "\{whoever\}"/),
        'actions[0].webhook.body: environment variables are resolved in the url and headers only',
      ]),
    );
    expect(
      errorsWith((pb) => {
        (pb.actions![0]!.webhook as { method: string }).method = 'TRACE';
        (pb.actions![0] as unknown as Record<string, unknown>).colour = 'red';
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^actions\[0\]\.webhook\.method: must be one of POST, PUT, PATCH, DELETE, GET/),
        expect.stringMatching(/^actions\[0\]: .*colour/),
      ]),
    );
    // two actions completing one item, an undo of an undo
    expect(
      errorsWith((pb) => {
        pb.actions![2]!.completes = 'stabilize.freeze_deploys';
        pb.actions![3]!.undoes = 'unfreeze_deployments';
      }),
    ).toEqual([
      'actions[2].completes: checklist item "stabilize.freeze_deploys" is already completed by "freeze_deployments"',
      'actions[3].undoes: "unfreeze_deployments" is itself an undo; undo the action it undoes',
    ]);
  });

  it('`playbook check` passes the shipped file and names the actions its environment cannot run', () => {
    const none = playbookCheck(DEFAULT_PLAYBOOK_PATH, () => undefined);
    expect(none.code).toBe(0);
    expect(none.output).toContain(
      'note: action freeze_deployments is not configured in this environment (set PROMOTION_GATE_URL, PROMOTION_GATE_TOKEN); it is refused until then.',
    );
    const set = playbookCheck(DEFAULT_PLAYBOOK_PATH, (n) => `value-of-${n}`);
    expect(set.output).not.toContain('not configured');
  });

  it('fills the body, resolves variables, and logs only host and path', () => {
    const a = playbook.actions![0]!;
    expect(unsetVariables(a, (n) => n === 'PROMOTION_GATE_URL')).toEqual(['PROMOTION_GATE_TOKEN']);
    expect(
      substituteVariables(a.webhook.url, (n) => (n === 'PROMOTION_GATE_URL' ? 'https://gate' : undefined)),
    ).toEqual({
      value: 'https://gate/freeze',
      missing: [],
    });
    expect(substituteVariables('Bearer ${T}', () => '')).toEqual({ value: 'Bearer ', missing: ['T'] });
    const values = {
      incident: 'INC-1',
      title: 'Risk engine "down"',
      actor: 'U1',
      actor_name: 'Ada',
      reason: 'limits exceeded',
      action: 'freeze_deployments',
      request: 'freeze_deployments.1',
      requested_at: '2026-11-26T10:00:00.000Z',
      drill: true,
      platform: 'slack',
    };
    expect(fillTemplate(a.webhook.body!, values)).toEqual({
      incident: 'INC-1',
      title: 'Risk engine "down"',
      requested_by: 'Ada',
      reason: 'limits exceeded',
      request: 'freeze_deployments.1',
      drill: true,
    });
    expect(fillTemplate({ text: '{incident} by {actor} (drill: {drill})', n: 3 }, values)).toEqual({
      text: 'INC-1 by U1 (drill: true)',
      n: 3,
    });
    expect(Object.keys(fillTemplate(DEFAULT_ACTION_BODY, values) as object)).toContain('drill');
    expect(hostAndPath('https://user:pw@gate.example.com:8443/api/freeze?token=s3cret')).toBe(
      'gate.example.com:8443/api/freeze',
    );
  });
});
