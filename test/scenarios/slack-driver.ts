/**
 * The Slack driver of the platform-neutral scenario: every step goes through Bolt's real HTTP endpoint
 * as signed Slack requests (modal submissions, buttons, the message shortcut), against the fake Web API.
 */
import { ACTION, SHORTCUT, VIEW } from '../../src/platforms/slack/ids.js';
import { OPEN_FORM } from '../../src/platforms/slack/render/actions.js';
import { formOfCallback } from '../../src/platforms/slack/render/form.js';
import { REF } from '../../src/platforms/slack/room-creator.js';
import type { SlackBot } from '../support/boot-slack-bot.js';
import type { Json } from '../support/fake-slack-api.js';
import { stateValue } from '../support/slack-request.js';
import { waitFor } from '../support/wait-for.js';
import type {
  DeclareInput,
  Driver,
  FollowupInput,
  LoggedMessage,
  ReviewInput,
  ScenarioUser,
} from './steps.js';

const USERS: Record<ScenarioUser, string> = { ic: 'U0IC', comms: 'U0COMMS' };

export function slackActorIds(): Record<ScenarioUser, string> {
  return { ...USERS };
}

export class SlackDriver implements Driver {
  private key = '';
  private viewN = 0;
  /** Responses that were not a plain 200 ack, for assertions. */
  readonly problems: string[] = [];

  constructor(private readonly bot: SlackBot) {}

  private get incident() {
    const i = this.bot.store.get(this.key);
    if (!i) throw new Error('no incident yet');
    return i;
  }

  private get room(): string {
    return this.incident.room!.id;
  }

  private meta(): string {
    return JSON.stringify({ k: this.key, c: this.room });
  }

  private async submit(
    callbackId: string,
    by: ScenarioUser,
    values: Record<string, Record<string, unknown>>,
  ) {
    const res = await this.bot.sim.viewSubmission({
      callbackId,
      userId: USERS[by],
      values,
      privateMetadata: this.meta(),
      viewId: `VSCEN${++this.viewN}`,
    });
    if (res.status !== 200 || res.body !== '')
      this.problems.push(`${callbackId}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  private fields(fields: Record<string, string>): Record<string, Record<string, unknown>> {
    const values: Record<string, Record<string, unknown>> = {};
    for (const [id, v] of Object.entries(fields)) {
      values[`field:${id}`] = {
        value: id === 'status' ? stateValue.staticSelect(v) : stateValue.plainText(v),
      };
    }
    return values;
  }

  async declare(form: DeclareInput, by: ScenarioUser): Promise<string> {
    const before = new Set(this.bot.store.listOpen().map((i) => i.key));
    const opened = await this.bot.sim.slash(`declare ${form.title}`, {
      userId: USERS[by],
      channelId: 'C0GENERAL',
    });
    if (opened.status !== 200) this.problems.push(`slash declare: ${opened.status}`);
    await this.bot.fake.waitForCalls('views.open', 1);
    const res = await this.bot.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: USERS[by],
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: `VSCEN${++this.viewN}`,
      values: {
        title: { value: stateValue.plainText(form.title) },
        triggerClass: { value: stateValue.staticSelect(form.triggerClass) },
        impact: { value: stateValue.plainText(form.impact) },
        severeImpact: { value: stateValue.radio(form.severeImpact ? 'yes' : 'no') },
        drill: { value: stateValue.checkboxes(form.drill ? ['drill'] : []) },
        commander: { value: stateValue.usersSelect(null) },
      },
    });
    if (res.status !== 200) this.problems.push(`declare view: ${res.status}`);
    const i = await waitFor(() => this.bot.store.listOpen().find((x) => !before.has(x.key)), 'the incident');
    this.key = i.key;
    await this.settle();
    await waitFor(() => this.bot.store.get(this.key)?.room, 'the incident channel');
    return i.key;
  }

  async claim(role: string, user: ScenarioUser): Promise<void> {
    const res = await this.bot.sim.blockAction({
      actionId: ACTION.claimRole,
      value: role,
      userId: USERS[user],
      channelId: this.room,
      blockId: `role:${role}:v${this.incident.version}`,
    });
    if (res.status !== 200) this.problems.push(`claim ${role}: ${res.status}`);
    // Claiming a role one already holds (the declarer as IC) is refused ephemerally and changes nothing.
    await waitFor(
      () => this.bot.store.get(this.key)!.roles[role]?.includes(USERS[user]),
      `${user} holds ${role}`,
    );
  }

  async alert(fields: Record<string, string>, by: ScenarioUser): Promise<void> {
    await this.submit(VIEW.initialAlert, by, this.fields(fields));
  }

  async update(fields: Record<string, string>, by: ScenarioUser): Promise<void> {
    await this.submit(VIEW.statusUpdate, by, this.fields(fields));
  }

  /**
   * Ticks `item` in the checklist message the bot posted in the room (as Slack holds it now): the click
   * carries that message, the checkbox element's options and what was ticked before plus this item.
   */
  async tickItem(item: string, by: ScenarioUser): Promise<void> {
    const ref = this.bot.outbox.getMessageRef(this.key, 'slack', REF.checklist);
    if (!ref) throw new Error('no checklist message');
    const message = this.bot.fake.message(ref.channel, ref.ref);
    if (!message) throw new Error('the checklist message is not in Slack');
    const blocks: Json[] = message.blocks ?? [];
    const hasItem = (e: Json) => e.type === 'checkboxes' && e.options?.some((o: Json) => o.value === item);
    const block = blocks.find((b) => b.elements?.some(hasItem));
    if (!block) throw new Error(`no checkbox for ${item} in the checklist message`);
    const el = block.elements.find(hasItem);
    const before = ((el.initial_options ?? []) as { value: string }[]).map((o) => o.value);
    const res = await this.bot.sim.blockAction({
      actionId: el.action_id,
      blockId: block.block_id,
      type: 'checkboxes',
      selectedOptions: [...before, item].map((value) => ({ value })),
      userId: USERS[by],
      channelId: ref.channel,
      messageTs: ref.ref,
      message: { ts: ref.ref, text: message.text, blocks },
    });
    if (res.status !== 200) this.problems.push(`tick ${item}: ${res.status}`);
    await waitFor(() => this.bot.store.get(this.key)!.checklist[item]?.state === 'done', `${item} ticked`);
  }

  async advancePhase(confirmed: string[]): Promise<void> {
    const pb = this.bot.service.playbookFor(this.incident);
    const next = pb.phases.find((p) => p.id === this.incident.phase)!.next[0]!;
    await this.submit(VIEW.phase, 'ic', {
      move: { value: stateValue.radio(`forward:${next}`) },
      criteria: { value: stateValue.checkboxes(confirmed) },
    });
  }

  async logMessage(msg: LoggedMessage): Promise<void> {
    const ts = `${Math.floor(Date.parse(msg.writtenAt) / 1000)}.000100`;
    const res = await this.bot.sim.messageShortcut({
      callbackId: SHORTCUT.addToLog,
      userId: USERS.ic,
      channelId: this.room,
      messageTs: ts,
      messageText: msg.text,
      messageUser: USERS[msg.author],
    });
    if (res.status !== 200) this.problems.push(`shortcut: ${res.status}`);
    await waitFor(() => this.bot.store.get(this.key)!.loggedMessages.length > 0, 'the logged message');
  }

  async close(confirmed: string[], fields: Record<string, string>): Promise<void> {
    await this.submit(VIEW.close, 'ic', {
      criteria: { value: stateValue.checkboxes(confirmed) },
      ...this.fields(fields),
      facilitator: { value: stateValue.usersSelect(USERS.ic) },
    });
  }

  async say(words: string, by: ScenarioUser, person?: ScenarioUser): Promise<string> {
    const text = person ? words.replace('{person}', `<@${USERS[person]}|${person}>`) : words;
    const res = await this.bot.sim.slash(text, { userId: USERS[by], channelId: this.room });
    if (res.status !== 200) this.problems.push(`slash ${words}: ${res.status}`);
    return String(res.body?.text ?? '');
  }

  async movePhase(move: string, confirmed: string[], reason: string): Promise<void> {
    // as a person would: open the phase form and pick one of the moves it offers
    const opened = this.bot.fake.callsTo('views.open').length;
    await this.say('phase', 'ic');
    const [call] = (await this.bot.fake.waitForCalls('views.open', opened + 1)).slice(opened);
    const moveBlock = call?.args.view.blocks.find((b: Json) => b.block_id === 'move');
    const offered = (moveBlock?.element.options ?? []).map((o: Json) => o.value);
    if (!offered.includes(move)) throw new Error(`the phase form does not offer ${move}: ${offered}`);
    await this.submit(VIEW.phase, 'ic', {
      move: { value: stateValue.radio(move) },
      criteria: { value: stateValue.checkboxes(confirmed) },
      reason: { value: stateValue.plainText(reason) },
    });
  }

  async followup(f: FollowupInput, by: ScenarioUser): Promise<void> {
    await this.submit(VIEW.followup, by, {
      what: { value: stateValue.plainText(f.what) },
      acceptance: { value: stateValue.plainText(f.acceptance) },
      owner: { value: stateValue.usersSelect(USERS[f.owner]) },
      due: { value: stateValue.datepicker(f.due) },
      objective: { value: stateValue.staticSelect(f.objective) },
    });
  }

  async review(r: ReviewInput, by: ScenarioUser): Promise<void> {
    await this.submit(VIEW.review, by, {
      summary: { value: stateValue.plainText(r.summary) },
      ...Object.fromEntries(r.whys.map((w, n) => [`why_${n + 1}`, { value: stateValue.plainText(w) }])),
      factor_resilience: { value: stateValue.plainText(r.resilienceFactors) },
      corrective_actions: { value: stateValue.plainText(r.correctiveActions) },
      verification_plan: { value: stateValue.plainText(r.verificationPlan) },
      lessons: { value: stateValue.plainText(r.lessons) },
      'question:readiness': { value: stateValue.plainText(r.readiness) },
      'question:runbook_library': { value: stateValue.plainText(r.runbookLibrary) },
      no_followups: { value: stateValue.checkboxes([]) },
    });
  }

  async summaryForms(by: ScenarioUser): Promise<Record<string, string[]>> {
    const ref = this.bot.outbox.getMessageRef(this.key, 'slack', REF.summary);
    const message = ref && this.bot.fake.message(ref.channel, ref.ref);
    if (!ref || !message) throw new Error('no summary message in Slack');
    const openers = new Set(Object.values(OPEN_FORM));
    const buttons = ((message.blocks ?? []) as Json[])
      .flatMap((b) => (b.elements ?? []).map((e: Json) => ({ block: b.block_id, e })))
      .filter(({ e }) => e.type === 'button' && openers.has(e.action_id));
    const forms: Record<string, string[]> = {};
    for (const { block, e } of buttons) {
      const opened = this.bot.fake.callsTo('views.open').length;
      const res = await this.bot.sim.blockAction({
        actionId: e.action_id,
        blockId: block,
        value: e.value,
        userId: USERS[by],
        channelId: ref.channel,
        messageTs: ref.ref,
      });
      if (res.status !== 200) this.problems.push(`press ${e.action_id}: ${res.status}`);
      const [call] = (
        await this.bot.fake.waitForCalls('views.open', opened + 1).catch(() => {
          const said = this.bot.fake.callsTo('chat.postEphemeral').at(-1)?.args.text;
          throw new Error(`${e.action_id} opened no form; said: ${said}`);
        })
      ).slice(opened);
      const view = call!.args.view;
      const name = formOfCallback(view.callback_id) ?? `unknown ${view.callback_id}`;
      forms[name] = (view.blocks as Json[])
        .filter((b) => b.type === 'input')
        .flatMap((b) =>
          b.element.type === 'checkboxes' &&
          !(b.element.options.length === 1 && b.element.options[0].value === 'yes')
            ? b.element.options.map((o: Json) => `check:${o.value}`)
            : [String(b.block_id).replace(/^field:/, '')],
        );
    }
    return forms;
  }

  async settle(): Promise<void> {
    if (!(await this.bot.dispatcher.drain(10_000))) throw new Error('the outbox did not drain');
  }
}
