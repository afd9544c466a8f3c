/** The scenario Driver for Teams: everything through POST /api/messages, as people would click it. */
import { expect } from 'vitest';
import { VERB } from '../../src/platforms/teams/render/card-kit.js';
import {
  ALICE,
  addToLogAction,
  BOB,
  cardOf,
  executeClick,
  findAction,
  GENERAL_CHANNEL,
  inputIds,
  type Json,
  mentionMessage,
  type Person,
  taskFetch,
  taskSubmit,
} from '../platforms/teams/activities.js';
import type { BootedTeamsBot } from '../support/boot-teams-bot.js';
import type {
  DeclareInput,
  Driver,
  FollowupInput,
  LoggedMessage,
  ReviewInput,
  ScenarioUser,
} from './steps.js';

export const TEAMS_USERS: Record<ScenarioUser, Person> = { ic: ALICE, comms: BOB };

export function teamsActorIds(): Record<ScenarioUser, string> {
  return { ic: ALICE.aadObjectId, comms: BOB.aadObjectId };
}

export class TeamsDriver implements Driver {
  private key = '';
  private msgSeq = 0;
  constructor(private readonly bot: BootedTeamsBot) {}

  private where(user: ScenarioUser, conversationId?: string) {
    return {
      serviceUrl: this.bot.connector.serviceUrl,
      from: TEAMS_USERS[user],
      ...(conversationId ? { conversationId } : {}),
    };
  }

  private get room(): string {
    const r = this.bot.store.get(this.key)?.room?.id;
    if (!r) throw new Error('the incident has no room yet');
    return r;
  }

  /** The live summary card in the room (posted once, updated in place). */
  private summary(): Json {
    const ref = this.bot.outbox.getMessageRef(this.key, 'teams', 'summary');
    if (!ref) throw new Error('no summary card');
    return { card: cardOf(this.bot.connector.activityById(ref.ref)), activityId: ref.ref };
  }

  private async post(activity: Json): Promise<Json> {
    const res = await this.bot.sendActivity(activity);
    expect(res.status).toBe(200);
    return res.body;
  }

  async declare(form: DeclareInput, by: ScenarioUser): Promise<string> {
    const conversationId = `${GENERAL_CHANNEL};messageid=17600077${++this.msgSeq}`;
    const before = this.bot.connector.activities.length;
    await this.post(mentionMessage(`incident declare ${form.title}`, this.where(by, conversationId)));
    const sent = await this.bot.connector.waitForActivities(before + 1);
    const formMsg = sent[before]!;
    const submit = findAction(cardOf(formMsg.body), (a) => a.data?.form === 'declare');
    const inputs = { ...form, severeImpact: String(form.severeImpact), drill: String(form.drill) };
    const res = await this.post(
      executeClick(submit, inputs, { ...this.where(by, conversationId), replyToId: formMsg.responseId }),
    );
    const m = /(INC-\d{4}-\d{4}) declared/.exec(JSON.stringify(res.value));
    if (!m) throw new Error(`declare failed: ${JSON.stringify(res)}`);
    this.key = m[1]!;
    await this.bot.settle();
    return this.key;
  }

  async claim(role: string, user: ScenarioUser): Promise<void> {
    // the card shows no Claim button for a role the person already holds (the declarer is the commander)
    if (this.bot.store.get(this.key)?.roles[role]?.includes(TEAMS_USERS[user].aadObjectId)) return;
    const { card, activityId } = this.summary();
    const action = findAction(card, (a) => a.verb === 'role_claim' && a.data.role === role);
    await this.post(executeClick(action, {}, { ...this.where(user, this.room), replyToId: activityId }));
  }

  private async dialog(
    form: string,
    by: ScenarioUser,
    values: Record<string, string>,
    check?: (card: Json) => void,
  ): Promise<void> {
    const { card } = this.summary();
    const open = findAction(card, (a) => a.type === 'Action.Submit' && a.data?.dialog === form);
    const fetched = await this.post(taskFetch(open, this.where(by, this.room)));
    if (fetched.task?.type !== 'continue')
      throw new Error(`dialog ${form} refused: ${JSON.stringify(fetched)}`);
    check?.(fetched.task.value.card.content);
    const submit = findAction(fetched.task.value.card.content, (a) => a.type === 'Action.Submit');
    const res = await this.post(taskSubmit({ ...submit.data, ...values }, this.where(by, this.room)));
    if (res.task?.type !== 'message')
      throw new Error(
        `dialog ${form} not accepted: ${JSON.stringify(res.task?.value?.card?.content?.body?.filter((e: Json) => e.color === 'Attention'))}`,
      );
  }

  alert(fields: Record<string, string>, by: ScenarioUser): Promise<void> {
    return this.dialog('alert', by, fields);
  }

  update(fields: Record<string, string>, by: ScenarioUser): Promise<void> {
    return this.dialog('update', by, fields);
  }

  /** Clicks the item's "Tick" button (Action.Execute) on the checklist card in the room. */
  async tickItem(item: string, by: ScenarioUser): Promise<void> {
    const ref = this.bot.outbox.getMessageRef(this.key, 'teams', 'checklist');
    if (!ref) throw new Error('no checklist card');
    const card = cardOf(this.bot.connector.activityById(ref.ref));
    const tick = findAction(
      card,
      (a) => a.type === 'Action.Execute' && a.verb === VERB.checkItem && a.data?.item === item,
    );
    expect(tick.data.state).toBe('check');
    const res = await this.post(executeClick(tick, {}, { ...this.where(by, this.room), replyToId: ref.ref }));
    const errors = (cardOf(res.value)?.body ?? []).filter((e: Json) => e.color === 'Attention');
    expect(errors).toEqual([]);
  }

  advancePhase(confirmed: string[]): Promise<void> {
    return this.dialog('phase', 'ic', Object.fromEntries(confirmed.map((c) => [`crit_${c}`, 'true'])));
  }

  close(confirmed: string[], fields: Record<string, string>): Promise<void> {
    return this.dialog('close', 'ic', {
      ...fields,
      ...Object.fromEntries(confirmed.map((c) => [`crit_${c}`, 'true'])),
    });
  }

  async logMessage(msg: LoggedMessage): Promise<void> {
    const room = this.room;
    const channel = room.split(';')[0]!;
    const res = await this.post(
      addToLogAction(
        {
          id: `17600088${++this.msgSeq}`,
          html: `<p>${msg.text}</p>`,
          author: TEAMS_USERS[msg.author],
          createdDateTime: msg.writtenAt,
          channel,
        },
        this.where('ic', room),
      ),
    );
    expect(res.task?.type).toBe('message');
  }

  async say(words: string, by: ScenarioUser, person?: ScenarioUser): Promise<string> {
    const p = person ? TEAMS_USERS[person] : undefined;
    const text = p ? words.replace('{person}', `<at>${p.name}</at>`) : words;
    const before = this.bot.connector.activities.length;
    await this.post(mentionMessage(`incident ${text}`, this.where(by, this.room), p ? [p] : []));
    await this.bot.connector.waitForActivities(before + 1);
    await this.bot.settle();
    // the answer is a plain message; the room's posts (cards) may arrive before or after it
    const answer = this.bot.connector.activities
      .slice(before)
      .find((x) => x.conversationId === this.room && x.op === 'send' && !x.body?.attachments?.length);
    return String(answer?.body?.text ?? '');
  }

  /** As a person would: open the phase dialog and pick one of the moves it offers. */
  movePhase(move: string, confirmed: string[], reason: string): Promise<void> {
    return this.dialog(
      'phase',
      'ic',
      { move, reason, ...Object.fromEntries(confirmed.map((c) => [`crit_${c}`, 'true'])) },
      (card) => {
        const offered = (card.body.find((e: Json) => e.id === 'move')?.choices ?? []).map(
          (c: Json) => c.value,
        );
        if (!offered.includes(move)) throw new Error(`the phase dialog does not offer ${move}: ${offered}`);
      },
    );
  }

  followup(f: FollowupInput, by: ScenarioUser): Promise<void> {
    return this.dialog('followup', by, {
      what: f.what,
      acceptance: f.acceptance,
      owner: TEAMS_USERS[f.owner].aadObjectId,
      due: f.due,
      objective: f.objective,
    });
  }

  review(r: ReviewInput, by: ScenarioUser): Promise<void> {
    return this.dialog('review', by, {
      summary: r.summary,
      ...Object.fromEntries(r.whys.map((w, n) => [`why_${n + 1}`, w])),
      factor_resilience: r.resilienceFactors,
      corrective_actions: r.correctiveActions,
      verification_plan: r.verificationPlan,
      lessons: r.lessons,
      'question:readiness': r.readiness,
      'question:runbook_library': r.runbookLibrary,
      no_followups: 'false',
    });
  }

  async summaryForms(by: ScenarioUser): Promise<Record<string, string[]>> {
    const { card } = this.summary();
    const openers: Json[] = [];
    const visit = (v: Json) => {
      if (Array.isArray(v)) for (const x of v) visit(x);
      else if (v && typeof v === 'object') {
        // playbook actions' buttons (one per action, prefilled) are tested on their own: test/platforms/actions.test.ts
        if (v.type === 'Action.Submit' && typeof v.data?.dialog === 'string' && !v.data.prefill)
          openers.push(v);
        for (const x of Object.values(v)) visit(x);
      }
    };
    visit(card);
    const forms: Record<string, string[]> = {};
    for (const open of openers) {
      const fetched = await this.post(taskFetch(open, this.where(by, this.room)));
      if (fetched.task?.type !== 'continue') throw new Error(`dialog ${open.data.dialog} refused`);
      forms[open.data.dialog] = inputIds(fetched.task.value.card.content).map((id) =>
        id.startsWith('crit_') ? `check:${id.slice('crit_'.length)}` : id,
      );
    }
    return forms;
  }

  settle(): Promise<void> {
    return this.bot.settle();
  }
}
