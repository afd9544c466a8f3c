// An alert prompt (views/alert-prompt.ts) as a Slack message: a header, the lines, the labels as fields, and
// while nothing is decided the three buttons (listeners/alert-buttons.ts answers them; value: the group id).
import { ALERT_ACTIONS } from '../../../domain/alert-group.js';
import type { AlertPromptView } from '../../../views/alert-prompt.js';
import {
  actions,
  type Block,
  button,
  finalize,
  header,
  type SlackMessage,
  section,
  sections,
} from './blocks.js';
import { headerOf, mrkdwnOf } from './text.js';

export function renderAlertPrompt(v: AlertPromptView): SlackMessage {
  const bid = (part: string) => `alert_${v.alert}${part}:v${v.version}`;
  const icon = v.status === 'firing' ? ':rotating_light:' : ':white_check_mark:';
  const blocks: Block[] = [
    header(`${v.status === 'firing' ? '🚨' : '✅'} ${headerOf(v.title)}`, bid('_header')),
    ...sections(v.lines.map(mrkdwnOf).join('\n'), bid('')),
  ];
  if (v.labels.length)
    blocks.push(
      section('', {
        blockId: bid('_labels'),
        fields: v.labels.map((f) => `*${mrkdwnOf(f.label)}*\n${mrkdwnOf(f.value)}`),
      }),
    );
  if (v.buttons)
    blocks.push(
      actions(bid('_actions'), [
        button({
          text: 'Declare incident',
          actionId: ALERT_ACTIONS.declare,
          value: v.alert,
          style: 'primary',
        }),
        button({ text: 'Add to INC-…', actionId: ALERT_ACTIONS.attach, value: v.alert }),
        button({ text: 'Dismiss', actionId: ALERT_ACTIONS.dismiss, value: v.alert, style: 'danger' }),
      ]),
    );
  return finalize({ text: `${icon} ${mrkdwnOf(v.fallback)}`, blocks });
}
