// What the console does with an application-layer Answer: the actor's part is shown to them on the next
// page, other people's (an overload warning to whoever was given a role) waits for those people.
import type { Answer } from '../../../app/answers.js';
import { roomLinkOf, type WebContext } from '../context.js';
import { textHtml } from '../render/html.js';

export function tellOthers(ctx: WebContext, answer: Answer): void {
  for (const o of answer.others) {
    ctx.notices.add(o.user, textHtml(o.text, roomLinkOf(ctx)));
    ctx.live.publish({ user: o.user }, (p) => p === o.user);
  }
}

export function tell(ctx: WebContext, user: string, answer: Answer, fallback = ''): void {
  const text = answer.text || fallback;
  if (text) ctx.notices.add(user, textHtml(text, roomLinkOf(ctx)));
  tellOthers(ctx, answer);
}
