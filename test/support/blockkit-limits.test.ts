import { LogLevel, WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { checkAdaptiveCard, checkAllRecorded, checkMessage, checkView } from './blockkit-limits.js';
import { startFakeSlackApi } from './fake-slack-api.js';

const button = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: `btn_${text.length}`,
  text: { type: 'plain_text', text },
  ...extra,
});

describe('checkMessage', () => {
  it('accepts a valid incident message', () => {
    expect(
      checkMessage({
        channel: 'C1',
        text: 'SEV1 declared: database down',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'SEV1: database down' } },
          {
            type: 'section',
            block_id: 'summary',
            fields: [
              { type: 'mrkdwn', text: '*Commander*\n<@U1>' },
              { type: 'mrkdwn', text: '*Status*\nInvestigating' },
            ],
          },
          {
            type: 'actions',
            block_id: 'acts',
            elements: [
              button('Acknowledge', { action_id: 'ack', style: 'primary', value: 'INC-1' }),
              button('Resolve', {
                action_id: 'resolve',
                style: 'danger',
                confirm: {
                  title: { type: 'plain_text', text: 'Resolve?' },
                  text: { type: 'mrkdwn', text: 'This closes the incident.' },
                  confirm: { type: 'plain_text', text: 'Resolve' },
                  deny: { type: 'plain_text', text: 'Cancel' },
                },
              }),
              {
                type: 'static_select',
                action_id: 'sev',
                placeholder: { type: 'plain_text', text: 'Severity' },
                options: ['sev1', 'sev2'].map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
                initial_option: { text: { type: 'plain_text', text: 'sev1' }, value: 'sev1' },
              },
            ],
          },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: 'Declared <!date^1700000000^{time}|10:00>' }],
          },
          { type: 'divider' },
        ],
      }),
    ).toEqual([]);
  });

  it('catches an over-long button text and a missing text fallback', () => {
    const problems = checkMessage({
      channel: 'C1',
      blocks: [{ type: 'actions', elements: [button('x'.repeat(76))] }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^text: a non-empty text fallback is required/),
        expect.stringMatching(/^blocks\[0\]\.elements\[0\]\.text: text is 76 chars, max 75/),
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('catches the other block rules', () => {
    const problems = checkMessage({
      text: 'x'.repeat(4001),
      blocks: [
        { type: 'section', block_id: 'a' },
        { type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: '' } },
        { type: 'header', text: { type: 'mrkdwn', text: 'h' } },
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
        { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) },
        {
          type: 'actions',
          elements: [
            button('a', { action_id: 'dup', style: 'secondary' }),
            button('b', { action_id: 'dup', value: 'v'.repeat(2001) }),
            { type: 'overflow', action_id: 'o', options: Array.from({ length: 6 }, (_, i) => opt(`o${i}`)) },
            {
              type: 'checkboxes',
              action_id: 'c',
              options: Array.from({ length: 11 }, (_, i) => opt(`c${i}`)),
            },
            { type: 'static_select', action_id: 's', options: [opt('x'.repeat(76))], option_groups: [] },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: 'y' }, block_id: 'b'.repeat(256) },
      ],
    });
    const expectMatch = (re: RegExp) =>
      expect(
        problems.some((p) => re.test(p)),
        `${re} in\n${problems.join('\n')}`,
      ).toBe(true);
    expectMatch(/^text: text is 4001 chars, keep it <= 4000/);
    expectMatch(/^blocks\[0\]: section needs text or fields/);
    expectMatch(/^blocks\[1\]\.block_id: duplicate block_id/);
    expectMatch(/^blocks\[1\]\.text: text must not be empty/);
    expectMatch(/^blocks\[2\]\.text: must be plain_text/);
    expectMatch(/^blocks\[3\]\.fields: 11 fields, max 10/);
    expectMatch(/^blocks\[4\]\.elements: 11 elements, max 10/);
    expectMatch(/^blocks\[5\]\.elements\[0\]\.style: style must be primary or danger/);
    expectMatch(/^blocks\[5\]\.elements\[1\]\.action_id: duplicate action_id/);
    expectMatch(/^blocks\[5\]\.elements\[1\]\.value: button value is 2001 chars/);
    expectMatch(/^blocks\[5\]\.elements\[2\]\.options: 6 options, max 5/);
    expectMatch(/^blocks\[5\]\.elements\[3\]\.options: 11 options, max 10/);
    expectMatch(/^blocks\[5\]\.elements\[4\]: use options or option_groups, not both/);
    expectMatch(/^blocks\[5\]\.elements\[4\]\.options\[0\]\.value: option value is 76 chars, max 75/);
    expectMatch(/^blocks\[6\]\.block_id: block_id is 256 chars, max 255/);
  });

  it('enforces block count and the total text budget', () => {
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(checkMessage({ text: 't', blocks: many })).toEqual(['blocks: 51 blocks, max 50']);
    const big = Array.from({ length: 5 }, () => ({
      type: 'section',
      text: { type: 'mrkdwn', text: 'z'.repeat(2500) },
    }));
    expect(checkMessage({ text: 't', blocks: big })).toEqual([
      expect.stringMatching(/12500 chars of block text, budget 10000/),
    ]);
  });
});

function opt(v: string) {
  return { text: { type: 'plain_text', text: v }, value: v };
}

describe('checkView', () => {
  const input = {
    type: 'input',
    block_id: 'title',
    label: { type: 'plain_text', text: 'Title' },
    element: { type: 'plain_text_input', action_id: 'title_input', max_length: 150 },
  };

  it('accepts a valid modal', () => {
    expect(
      checkView({
        type: 'modal',
        callback_id: 'declare',
        title: { type: 'plain_text', text: 'Declare an incident' },
        submit: { type: 'plain_text', text: 'Declare' },
        close: { type: 'plain_text', text: 'Cancel' },
        private_metadata: '{}',
        blocks: [input],
      }),
    ).toEqual([]);
  });

  it('flags modal rules', () => {
    const problems = checkView({
      type: 'modal',
      callback_id: 'c'.repeat(256),
      title: { type: 'plain_text', text: 'A title that is far too long' },
      private_metadata: 'm'.repeat(3001),
      blocks: [
        input,
        { ...input, block_id: 'x', element: { type: 'plain_text_input', action_id: 'a', max_length: 3001 } },
        { ...input, block_id: 'y', hint: { type: 'plain_text', text: 'h'.repeat(2001) } },
      ],
    });
    const want = [
      /^view\.title: text is 28 chars, max 24/,
      /^view\.callback_id: callback_id is 256 chars/,
      /^view\.private_metadata: 3001 chars, max 3000/,
      /^view\.submit: submit is required/,
      /^view\.blocks\[1\]\.element\.max_length: max_length must be 1\.\.3000/,
      /^view\.blocks\[2\]\.hint: text is 2001 chars, max 2000/,
    ];
    for (const re of want)
      expect(
        problems.some((p) => re.test(p)),
        `${re} in\n${problems.join('\n')}`,
      ).toBe(true);
    expect(
      checkView({
        type: 'modal',
        title: { type: 'plain_text', text: 'x' },
        blocks: Array(101).fill({ type: 'divider' }),
      }),
    ).toEqual(['view.blocks: 101 blocks, max 100']);
  });
});

describe('checkAllRecorded', () => {
  it('checks every message and view the fake recorded', async () => {
    const fake = await startFakeSlackApi();
    try {
      const web = new WebClient('xoxb-t', { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
      await web.chat.postMessage({ channel: 'C1', text: 'fine' });
      await web.chat.postMessage({
        channel: 'C1',
        text: '',
        blocks: [
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(80) } },
            ],
          },
        ],
      });
      await web.views.open({
        trigger_id: '1.1.1',
        view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [input()] },
      });
      const problems = checkAllRecorded(fake);
      expect(problems).toEqual([
        expect.stringMatching(/^calls\[1\] chat\.postMessage: text: a non-empty text fallback/),
        expect.stringMatching(
          /^calls\[1\] chat\.postMessage: blocks\[0\]\.elements\[0\]\.text: text is 80 chars/,
        ),
        expect.stringMatching(/^calls\[2\] views\.open: view\.submit: submit is required/),
      ]);
    } finally {
      await fake.close();
    }
  });
});

function input() {
  return {
    type: 'input' as const,
    label: { type: 'plain_text' as const, text: 'L' },
    element: { type: 'plain_text_input' as const, action_id: 'i' },
  };
}

describe('checkAdaptiveCard', () => {
  it('accepts a valid 1.5 card and an attachment wrapping it', () => {
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'SEV1 declared' },
        { type: 'Input.Text', id: 'summary', label: 'Summary' },
        { type: 'Input.Toggle', id: 'notify', title: 'Notify stakeholders' },
        {
          type: 'Input.ChoiceSet',
          id: 'sev',
          choices: [
            { title: 'SEV1', value: 'sev1' },
            { title: 'SEV2', value: 'sev2' },
          ],
        },
      ],
      actions: [{ type: 'Action.Submit', title: 'Declare', data: { action: 'declare' } }],
    };
    expect(checkAdaptiveCard(card)).toEqual([]);
    expect(
      checkAdaptiveCard({ contentType: 'application/vnd.microsoft.card.adaptive', content: card }),
    ).toEqual([]);
  });

  it('flags version, ids, toggle title, choices and size', () => {
    const problems = checkAdaptiveCard({
      type: 'AdaptiveCard',
      version: '1.6',
      body: [
        { type: 'Input.Text', id: 'a' },
        {
          type: 'Container',
          items: [
            { type: 'Input.Text', id: 'a' },
            { type: 'Input.Toggle', id: 't' },
          ],
        },
        { type: 'Input.ChoiceSet', id: 'c', choices: [{ title: 'x' }] },
        { type: 'Input.Number' },
        { type: 'TextBlock', text: 'x'.repeat(30_000) },
      ],
    });
    const want = [
      /version 1\.6 is above 1\.5/,
      /duplicate input id "a"/,
      /Input\.Toggle needs a title/,
      /choices\[0\]: choice needs string title and value/,
      /Input\.Number needs an id/,
      /card is \d+ bytes of JSON, keep it <= 28672/,
    ];
    for (const re of want)
      expect(
        problems.some((p) => re.test(p)),
        `${re} in\n${problems.join('\n')}`,
      ).toBe(true);
  });
});
