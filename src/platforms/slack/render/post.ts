// A PostView as a Slack message: a header where the post has one, the DRILL note, the lines (split into
// sections of at most 3000 characters), the facts, the buttons and the footer. Block ids carry the
// incident version, so Slack never keeps stale input state.
import type { PostView } from '../../../views/post.js';
import { actionButton } from './actions.js';
import {
  actions,
  type Block,
  context,
  finalize,
  header,
  type SlackMessage,
  section,
  sections,
} from './blocks.js';
import { headerOf, mrkdwnOf } from './text.js';

export function renderPostView(v: PostView, incidentKey: string): SlackMessage {
  const bid = (part: string) => `${v.name}${part}:v${v.version}`;
  const blocks: Block[] = [];
  if (v.header) blocks.push(header(headerOf(v.title), bid('_header')));
  if (v.drill)
    blocks.push(context([':test_tube: *DRILL*: this is an exercise, not a real incident.'], bid('_drill')));
  if (v.lines.length) blocks.push(...sections(v.lines.map(mrkdwnOf).join('\n'), bid('')));
  if (v.fields?.length)
    blocks.push(
      section('', {
        blockId: bid('_fields'),
        fields: v.fields.map((f) => `*${mrkdwnOf(f.label)}*\n${mrkdwnOf(f.value)}`),
      }),
    );
  if (v.actions.length)
    blocks.push(
      actions(
        bid('_actions'),
        v.actions.map((a) => actionButton(a, incidentKey)),
      ),
    );
  if (v.footer) blocks.push(context([mrkdwnOf(v.footer)], bid('_footer')));
  return finalize({ text: mrkdwnOf(v.fallback), blocks });
}
