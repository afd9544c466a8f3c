/** Pins the SDK routing/response semantics the incident wiring relies on (see README-findings.md). */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, type Harness, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function execute(serviceUrl: string, verb: string, data: Record<string, unknown>) {
  const a = fixture('invoke_adaptivecard_action_execute.json');
  a.serviceUrl = serviceUrl;
  a.value.action.verb = verb;
  a.value.action.data = data;
  return a;
}

describe('Teams SDK routing semantics (2.0.16)', () => {
  it('only the first matching route runs unless it calls ctx.next()', async () => {
    const calls: string[] = [];
    h = await startHarness({
      register: (app) => {
        app.on('activity', async (ctx) => {
          calls.push('activity-middleware');
          await ctx.next();
        });
        app.on('message', async () => {
          calls.push('message-1');
        });
        app.on('message', async () => {
          calls.push('message-2');
        });
      },
    });
    const a = fixture('message_personal.json');
    a.serviceUrl = `${h.connector.url}/`;
    expect((await h.post(a)).status).toBe(200);
    expect(calls).toEqual(['activity-middleware', 'message-1']);
  });

  it('card.action.<X> routes on value.action.data.action, not on verb', async () => {
    const hits: string[] = [];
    h = await startHarness({
      register: (app) => {
        app.on('card.action.ack', async () => {
          hits.push('ack');
          return {
            statusCode: 200,
            type: 'application/vnd.microsoft.activity.message',
            value: 'ok',
          } as const;
        });
      },
    });
    const url = `${h.connector.url}/`;
    const byVerbOnly = await h.post(execute(url, 'ack', { incidentId: 'INC-1' }));
    expect(hits).toEqual([]);
    // unhandled invoke: 200 with an EMPTY body (Teams shows an error for adaptiveCard/action)
    expect(byVerbOnly.status).toBe(200);
    expect(byVerbOnly.body).toBeUndefined();

    const byData = await h.post(execute(url, 'whatever', { action: 'ack', incidentId: 'INC-1' }));
    expect(hits).toEqual(['ack']);
    expect(byData.body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'ok',
    });
  });

  it('a returned { status, body } is the HTTP response; a throw is a 500', async () => {
    h = await startHarness({
      register: (app) => {
        app.on('dialog.open', async () => ({ status: 202, body: { task: { type: 'message', value: 'x' } } }));
        app.on('dialog.submit', async () => {
          throw new Error('boom');
        });
      },
    });
    const base = fixture('invoke_adaptivecard_action_execute.json');
    base.serviceUrl = `${h.connector.url}/`;
    const open = await h.post({ ...base, name: 'task/fetch', value: { data: {} } });
    expect(open.status).toBe(202);
    expect(open.body).toEqual({ task: { type: 'message', value: 'x' } });
    const submit = await h.post({ ...base, name: 'task/submit', value: { data: {} } });
    expect(submit.status).toBe(500);
  });

  it('ctx.reply() quotes the inbound message; ctx.send() does not', async () => {
    h = await startHarness({
      register: (app) => {
        app.on('message', async (ctx) => {
          await ctx.reply('quoted');
          await ctx.send('plain');
        });
      },
    });
    const a = fixture('message_personal.json');
    a.serviceUrl = `${h.connector.url}/`;
    await h.post(a);
    const [reply, send] = await h.connector.waitForSent(2);
    expect(reply?.body.text).toBe(`<quoted messageId="${a.id}"/> quoted`);
    expect(reply?.body.entities).toContainEqual({ type: 'quotedReply', quotedReply: { messageId: a.id } });
    expect(send?.body.text).toBe('plain');
  });
});
