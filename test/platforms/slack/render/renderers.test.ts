import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { PostTemplate } from '../../../../src/domain/effects.js';
import type { Incident } from '../../../../src/domain/incident.js';
import type { Playbook } from '../../../../src/domain/playbook.js';
import { ACTION } from '../../../../src/platforms/slack/ids.js';
import { checklistChanges } from '../../../../src/platforms/slack/parse/checklist.js';
import { parseSnoozeValue, snoozeValue } from '../../../../src/platforms/slack/render/actions.js';
import type { Block, SlackMessage } from '../../../../src/platforms/slack/render/blocks.js';
import {
  groupFromBlockId,
  renderChecklist as renderChecklistView,
} from '../../../../src/platforms/slack/render/checklist.js';
import { renderPostView } from '../../../../src/platforms/slack/render/post.js';
import {
  renderSummary as renderSummaryView,
  roleFromBlockId,
} from '../../../../src/platforms/slack/render/summary.js';
import { checklistView } from '../../../../src/views/checklist.js';
import {
  announcementView,
  type CommunicationData,
  communicationView,
} from '../../../../src/views/communication-post.js';
import { postView } from '../../../../src/views/posts.js';
import { summaryView } from '../../../../src/views/summary.js';
import { checkMessage } from '../../../support/blockkit-limits.js';
import { cleanupTempDbs } from '../../../support/temp-db.js';
import { ALICE, alertFields, at, closeIncident, IC, Scenario, T0 } from './fixture.js';

// The view models rendered for Slack, as the sender renders them.
const renderSummary = (i: Incident, pb: Playbook) => renderSummaryView(summaryView(i, pb));
const renderChecklist = (i: Incident, pb: Playbook) => renderChecklistView(checklistView(i, pb));
const renderAnnouncement = (i: Incident, pb: Playbook) => renderPostView(announcementView(i, pb), i.key);
const renderCommunication = (i: Incident, pb: Playbook, d: CommunicationData) =>
  renderPostView(communicationView(i, pb, d), i.key);
const renderPost = (t: PostTemplate, d: Record<string, unknown>, i: Incident, pb: Playbook) =>
  renderPostView(postView(t, d, i, pb), i.key);

const scenarios: Scenario[] = [];
function scenario(): Scenario {
  const s = new Scenario();
  scenarios.push(s);
  return s;
}
afterAll(() => {
  for (const s of scenarios) s.close();
  cleanupTempDbs();
});

function valid(msg: SlackMessage): void {
  expect(checkMessage({ text: msg.text, blocks: msg.blocks })).toEqual([]);
  expect(msg.text.trim().length).toBeGreaterThan(0);
}

const json = (m: SlackMessage) => JSON.stringify(m);
const allElements = (blocks: Block[]) =>
  blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]) as Record<
    string,
    unknown
  >[];

function everyPost(i: Incident): [PostTemplate, Record<string, unknown>][] {
  return [
    ['announcement', {}],
    ['communication', { template: 'initial_alert', fields: alertFields, index: 0 }],
    ['role_change', { role: 'technical_lead', kind: 'handover', from: 'U0IC', to: 'U0ALICE' }],
    ['role_brief', { role: 'technical_lead', description: 'Coordinates <!channel> work' }],
    ['overload', { user: 'U0IC', roles: ['commander', 'technical_lead'] }],
    ['phase_changed', { from: 'detection', to: 'containment', move: 'forward' }],
    ['phase_changed', { from: 'containment', to: 'detection', move: 'back', reason: 'false alarm <!here>' }],
    [
      'reclassified',
      {
        from: { triggerClass: 'service_outage', severeImpact: false },
        to: { triggerClass: 'security_exposure', severeImpact: true },
        reason: 'creds <@U1> leaked',
      },
    ],
    ['closed', { reviewDueOn: '2026-11-30', facilitator: 'U0IC' }],
    ['stood_down', { from: 'detection', to: 'done', reason: 'feed <!channel> maintenance '.repeat(120) }],
    ['review_recorded', {}],
    ['room_fallback', { reason: 'restricted_action' }],
    ['followup', { id: i.followups[0]?.id ?? 'F1', state: 'open' }],
    ['nudge', { kind: 'initial_alert' }],
    ['export', { format: 'json' }],
  ];
}

describe('summary message', () => {
  const s = scenario();
  s.declare();
  s.run({ type: 'room_created', platform: 'slack', roomId: 'C0ROOM', name: 'inc-x' });
  const i = s.run({ type: 'claim_role', role: 'scribe' }, ALICE);
  const pb = s.playbook;

  it('fits Block Kit and shows key, title, trigger, severity, phase, IC, playbook version', () => {
    const m = renderSummary(i, pb);
    valid(m);
    const j = json(m);
    expect(m.blocks[0]!.type).toBe('header');
    expect(m.blocks[0]!.text.text).toContain(i.key);
    expect(j).toContain('Ingest pipeline hard down');
    expect(j).toContain('Severe service outage');
    expect(j).toContain('No severe customer impact');
    expect(j).toContain('Detection');
    expect(j).toContain('<@U0IC>');
    expect(j).toContain(`v${pb.version}`);
    expect(j).toContain('kafka_ingest_offset_recovery');
    expect(j).toContain('Master Switch Guide');
    expect(j).toContain('promotion_gate policy');
  });

  it('has claim buttons for open roles, release + hand-over for held ones, and marks required roles', () => {
    const m = renderSummary(i, pb);
    const roleBlocks = m.blocks.filter((b) => roleFromBlockId(b.block_id));
    const byRole = new Map(
      roleBlocks.map((b) => [roleFromBlockId(b.block_id)!, b.elements as Record<string, unknown>[]]),
    );
    // technical lead: open and required
    expect(byRole.get('technical_lead')!.map((e) => e.action_id)).toEqual([ACTION.claimRole]);
    expect(byRole.get('technical_lead')![0]!.value).toBe('technical_lead');
    // scribe: held by Alice
    expect(byRole.get('scribe')!.map((e) => e.action_id)).toEqual([ACTION.releaseRole, ACTION.handoverRole]);
    expect(byRole.get('scribe')![1]!.type).toBe('users_select');
    // commander: held, cannot be released, only handed over
    expect(byRole.get('commander')!.map((e) => e.action_id)).toEqual([ACTION.handoverRole]);
    // specialists: multiple -> claim even when held
    const texts = m.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(texts).toMatch(/\*Technical lead\* \(required\)/);
    expect(texts).toMatch(/\*Incident commander\* \(required\)/);
    // the handbook's activation roles are required; the trigger's other owners and specialists are not
    expect(texts).toMatch(/\*Scribe\* \(required\)/);
    expect(texts).not.toMatch(/\*Compliance lead\* \(required\)/);
    expect(texts).not.toMatch(/\*Domain specialist[^*]*\* \(required\)/);
    expect(texts).toContain('<@U0ALICE>');
  });

  it('has the action row and the next status update due as a date token', () => {
    const m = renderSummary(i, pb);
    const ids = allElements(m.blocks).map((e) => e.action_id);
    expect(ids).toEqual(expect.arrayContaining([ACTION.openAlert, ACTION.openUpdate, ACTION.openPhase]));
    // in detection closing is not possible yet, so there is no Close button to refuse
    expect(ids).not.toContain(ACTION.openClose);
    const due = Math.floor(T0.getTime() / 1000) + 30 * 60;
    expect(json(m)).toContain(`<!date^${due}^`);
  });

  it('uses the severe clock when impact is severe, and drops the alert button once sent', () => {
    const s2 = scenario();
    s2.declare({ severeImpact: true });
    s2.run({ type: 'room_created', platform: 'slack', roomId: 'C0ROOM2', name: 'inc-y' });
    const sent = s2.run({ type: 'send_initial_alert', fields: alertFields }, IC, at(5));
    const m = renderSummary(sent, s2.playbook);
    valid(m);
    expect(json(m)).toContain(`<!date^${Math.floor(at(5 + 15).getTime() / 1000)}^`);
    expect(json(m)).toContain('Severe customer impact');
    expect(allElements(m.blocks).map((e) => e.action_id)).not.toContain(ACTION.openAlert);
  });

  it('changes every block_id between versions', () => {
    const a = renderSummary(i, pb);
    const next = s.run({ type: 'claim_role', role: 'technical_lead' }, ALICE);
    const b = renderSummary(next, pb);
    const idsA = new Set(a.blocks.map((x) => x.block_id).filter(Boolean));
    for (const x of b.blocks) if (x.block_id) expect(idsA.has(x.block_id)).toBe(false);
  });
});

describe('hostile and extreme input', () => {
  const s = scenario();
  const title = `<!channel> ${'x'.repeat(10_000)}`;
  s.declare({ title, impact: `<!channel> & <@U999> ${'y'.repeat(9000)}` });
  s.run({ type: 'room_created', platform: 'slack', roomId: 'C0ROOM', name: 'inc-x' });
  s.run({
    type: 'add_followup',
    id: 'F1',
    what: '<!everyone> fix it',
    owner: 'U0ALICE',
    due: '2026-12-01',
    objective: 'risk',
    acceptance: 'It is verified done.',
  });
  const i = s.run({
    type: 'item_not_applicable',
    item: 'stabilize.switch_off',
    reason: '<!here> not needed '.repeat(20),
  });
  const pb = s.playbook;
  const messages: [string, SlackMessage][] = [
    ['summary', renderSummary(i, pb)],
    ['checklist', renderChecklist(i, pb)],
    ['announcement', renderAnnouncement(i, pb)],
    ...everyPost(i).map(([t, d]) => [t, renderPost(t, d, i, pb)] as [string, SlackMessage]),
  ];

  it.each(messages)('%s stays within Block Kit limits and never pings', (_name, m) => {
    valid(m);
    const j = json(m);
    expect(j).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U999>/);
  });

  it('escapes the title and truncates it visibly', () => {
    const m = renderSummary(i, pb);
    expect(m.blocks[0]!.text.text.length).toBeLessThanOrEqual(150);
    expect(m.blocks[0]!.text.text).toContain('&lt;!channel&gt;');
    expect(json(m)).toContain('…(truncated)');
    expect(m.text.length).toBeLessThanOrEqual(4000);
  });
});

describe('drill and closed incidents', () => {
  const s = scenario();
  s.declare({ drill: true });
  s.run({ type: 'room_created', platform: 'slack', roomId: 'C0ROOM', name: 'inc-drill-x' });
  s.run({ type: 'send_initial_alert', fields: alertFields });
  s.run({
    type: 'add_followup',
    id: 'F1',
    what: 'fix',
    owner: 'U0ALICE',
    due: '2026-12-01',
    objective: 'risk',
    acceptance: 'It is verified done.',
  });
  const open = s.stack.service.get(s.key)!;
  const closed = closeIncident(s);
  const pb = s.playbook;

  it('says DRILL in every message', () => {
    const all: SlackMessage[] = [
      renderSummary(open, pb),
      renderChecklist(open, pb),
      renderAnnouncement(open, pb),
      ...everyPost(closed).map(([t, d]) => renderPost(t, d, closed, pb)),
    ];
    for (const m of all) {
      valid(m);
      expect(m.text).toContain('DRILL');
      expect(json(m)).toMatch(/DRILL/);
    }
  });

  it('marks a closed incident and removes the buttons that no longer apply', () => {
    const m = renderSummary(closed, pb);
    valid(m);
    expect(m.blocks[0]!.text.text).toContain('CLOSED');
    expect(m.text).toContain('CLOSED');
    const ids = allElements(m.blocks).map((e) => e.action_id);
    expect(ids).not.toContain(ACTION.claimRole);
    expect(ids).not.toContain(ACTION.openClose);
    const c = renderChecklist(closed, pb);
    valid(c);
    expect(allElements(c.blocks).filter((e) => e.type === 'checkboxes')).toHaveLength(0);
  });
});

describe('checklist message', () => {
  const s = scenario();
  s.declare();
  s.run({ type: 'room_created', platform: 'slack', roomId: 'C0ROOM', name: 'inc-x' });
  s.run({ type: 'check_item', item: 'assess.data_quality' }, ALICE);
  const i = s.run({
    type: 'item_not_applicable',
    item: 'stabilize.switch_off',
    reason: 'no safety limit hit',
  });
  const pb = s.playbook;
  const m = renderChecklist(i, pb);

  it('fits Block Kit, one checkboxes element per group with manual items', () => {
    valid(m);
    const boxes = m.blocks.filter((b) => b.type === 'actions' && b.elements[0].type === 'checkboxes');
    expect(boxes.map((b) => groupFromBlockId(b.block_id))).toEqual(['stabilize', 'assess', 'owners']);
    for (const b of boxes) {
      expect(b.elements[0].action_id).toBe(ACTION.checkItem);
      expect(b.elements[0].options.length).toBeLessThanOrEqual(10);
    }
    const assess = boxes.find((b) => groupFromBlockId(b.block_id) === 'assess')!.elements[0];
    expect(assess.initial_options.map((o: { value: string }) => o.value)).toEqual(['assess.data_quality']);
  });

  it('strikes N/A items with their reason, shows owners and deadlines as date tokens', () => {
    const j = json(m);
    expect(j).toContain('N/A: no safety limit hit');
    expect(j).toMatch(/~Trigger emergency switch-off/);
    expect(j).toContain('_Technical lead_');
    expect(j).toContain(`<!date^${Math.floor(at(60).getTime() / 1000)}^`);
    expect(j).toContain(`<!date^${Math.floor(at(15).getTime() / 1000)}^`);
  });

  it('points the alert item at /incident alert with a button; the channel item is already done', () => {
    const j = json(m);
    expect(j).toContain('Sent via `/incident alert`');
    expect(allElements(m.blocks).map((e) => e.action_id)).toContain(ACTION.openAlert);
    expect(j).toMatch(/:white_check_mark: ~Create an incident channel/);
  });

  it('maps a checkboxes action to check / uncheck presses (only what this click changed)', () => {
    const assess = m.blocks.find((b) => groupFromBlockId(b.block_id) === 'assess')!.elements[0];
    const options = assess.options.map((o: { value: string }) => o.value);
    const initial = ['assess.data_quality'];
    expect(checklistChanges(i, options, ['assess.confirm_systems', 'assess.data_quality'], initial)).toEqual([
      { kind: 'check_item', item: 'assess.confirm_systems' },
    ]);
    expect(checklistChanges(i, options, [], initial)).toEqual([
      { kind: 'uncheck_item', item: 'assess.data_quality' },
    ]);
    // a stale message (rendered before the tick) does not untick what it did not show
    expect(checklistChanges(i, options, ['assess.confirm_systems'], [])).toEqual([
      { kind: 'check_item', item: 'assess.confirm_systems' },
    ]);
  });
});

describe('pinned views in a quiet incident', () => {
  // The summary and the checklist are re-rendered only when the incident changes: whatever the clock says
  // when one is rendered, it must read the same (due times as date tokens, no "in N min", no overdue mark).
  const s = scenario();
  s.declare();
  s.run({ type: 'room_created', platform: 'slack', roomId: 'C0ROOM', name: 'inc-quiet' });
  const i = s.stack.service.get(s.key)!;
  const pb = s.playbook;
  afterEach(() => {
    vi.useRealTimers();
  });
  const renderedAt = (clock: Date) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(clock);
    return { summary: json(renderSummary(i, pb)), checklist: json(renderChecklist(i, pb)) };
  };

  it('shows the next status update as a date token only, never a countdown that goes stale', () => {
    const early = renderedAt(at(5));
    const overdue = renderedAt(at(45));
    const due = Math.floor(at(30).getTime() / 1000);
    expect(early.summary).toContain(`Next status update due <!date^${due}^{date_short_pretty} {time}|`);
    expect(early.summary).not.toMatch(/\(in \d|min overdue|\(now\)/);
    expect(overdue.summary).toBe(early.summary);
  });

  it('shows checklist deadlines as date tokens with no countdown and no render-time overdue marker', () => {
    const early = renderedAt(at(5));
    const late = renderedAt(at(90)); // every item and the golden hour past due
    expect(early.checklist).toContain(`<!date^${Math.floor(at(15).getTime() / 1000)}^`);
    expect(early.checklist).toContain(`<!date^${Math.floor(at(60).getTime() / 1000)}^`);
    for (const j of [early.checklist, late.checklist]) {
      expect(j).not.toMatch(/\(in \d|min overdue|\(now\)/);
      expect(j).not.toContain(':alarm_clock:');
    }
    expect(late.checklist).toBe(early.checklist);
  });
});

describe('announcement and communication', () => {
  const s = scenario();
  s.declare({ title: 'Risk engine <b>down</b>' });
  s.run({ type: 'room_created', platform: 'slack', roomId: 'C0ROOM', name: 'inc-x' });
  const i = s.run(
    { type: 'send_initial_alert', fields: { ...alertFields, summary: '<!channel> ping & pong' } },
    ALICE,
  );
  const pb = s.playbook;

  it('announces with key, title, trigger, severity, IC and a link to the room', () => {
    const m = renderAnnouncement(i, pb);
    valid(m);
    const j = json(m);
    expect(j).toContain(i.key);
    expect(j).toContain('Risk engine &lt;b&gt;down&lt;/b&gt;');
    expect(j).toContain('<#C0ROOM>');
    expect(j).toContain('<@U0IC>');
    expect(j).toContain('Severe service outage');
    expect(m.text).toContain('<#C0ROOM>');
  });

  it('renders the initial alert with its subject, template lines and sender', () => {
    const m = renderCommunication(i, pb, {
      template: 'initial_alert',
      fields: i.communications[0]!.fields,
      index: 0,
    });
    valid(m);
    const j = json(m);
    expect(j).toContain('[EMERGENCY] Ingest pipeline incident activated');
    expect(j).toContain('Summary: &lt;!channel&gt; ping &amp; pong');
    expect(j).toContain('Incident commander: U0IC');
    expect(j).toContain('Sent by <@U0ALICE>');
    expect(m.text).toContain('Initial stakeholder alert');
  });

  it('splits a long status update over several sections', () => {
    const big = s.run(
      {
        type: 'post_status_update',
        fields: {
          status: 'investigating',
          developments: 'd'.repeat(2000),
          risks: 'r'.repeat(2000),
          help: 'h'.repeat(1000),
          next_update: '11:00',
        },
      },
      IC,
      at(30),
    );
    const m = renderPost(
      'communication',
      { template: 'status_update', fields: big.communications[1]!.fields, index: 1 },
      big,
      pb,
    );
    valid(m);
    expect(json(m)).toContain('Status: investigating');
  });
});

describe('snooze values', () => {
  it('round-trips', () => {
    const a = { kind: 'snooze' as const, snoozeKind: 'status_update', minutes: 15, label: 'Snooze 15 min' };
    expect(parseSnoozeValue(snoozeValue(a, 'INC-1'))).toEqual({
      kind: 'status_update',
      minutes: 15,
      incidentKey: 'INC-1',
    });
    const due = '2026-11-26T10:30:00.000Z';
    expect(parseSnoozeValue(snoozeValue({ ...a, dueAt: due }, 'INC-1'))).toEqual({
      kind: 'status_update',
      minutes: 15,
      dueAt: due,
      incidentKey: 'INC-1',
    });
    // buttons of older nudges
    expect(parseSnoozeValue('status_update:15')).toEqual({ kind: 'status_update', minutes: 15 });
    expect(parseSnoozeValue('nonsense')).toBeNull();
    expect(parseSnoozeValue('{"k":"x","m":-1}')).toBeNull();
  });
});
