/**
 * Teams message HTML read as plain text, one test per way the old reader garbled it, on the samples in
 * test/fixtures/teams/messages (their sources in the README there).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../../src/platforms/teams/parse/html-text.js';
import { activityHtml, messageBodyText } from '../../../../src/platforms/teams/parse/message-body.js';
import { commandText } from '../../../../src/platforms/teams/parse/text.js';

const sample = (name: string) =>
  readFileSync(new URL(`../../../fixtures/teams/messages/${name}`, import.meta.url), 'utf8');
const read = (name: string) => htmlToText(sample(name));

describe('htmlToText on real Teams message HTML', () => {
  it('paragraphs are lines (the body quoted in issue 20)', () => {
    expect(read('issue-20-paragraphs.html')).toBe('DB failover done\n… ’ €');
  });

  it('numeric references, decimal and hex, are decoded', () => {
    expect(read('numeric-entities.html')).toBe(
      'Replica promoted, writes back at 10:04\nCustomers’ checkouts resumed; refunds €1,200 — see note…',
    );
  });

  it('named references are decoded; a non-breaking space is a space', () => {
    expect(read('named-entities.html')).toBe(
      `Cost so far €40 k … «degraded» & "read-only": <primary> © – 'eu-west'`,
    );
  });

  it('list items are "• " and "1. " lines, a nested list indented', () => {
    expect(read('lists.html')).toBe(
      [
        'Next steps:',
        '• Drain broker 3',
        '• Restart consumers',
        '  • ingest',
        '  • billing',
        '1. Page the DBA',
        '2. Fail back',
      ].join('\n'),
    );
  });

  it('<pre> and <code> are kept verbatim: indentation, blank lines, spaces, entities decoded', () => {
    expect(read('code-pre.html')).toBe(
      [
        'Ran on the primary:',
        'SELECT count(*)',
        '  FROM orders',
        " WHERE state = 'stuck' && id < 42;",
        '',
        '',
        '-- 0 rows',
        'then systemctl  restart  pgbouncer on each node',
      ].join('\n'),
    );
  });

  it('a link is "text (url)", or the address alone when the text is the address', () => {
    expect(read('links.html')).toBe(
      'Graphs: Ingest dashboard (https://grafana.example/d/ingest?from=now-1h&to=now), status page https://status.example.com',
    );
  });

  it('mentions (<at id>) are "@Name", as commandText writes a mention it does not resolve', () => {
    expect(read('mentions-graph.html')).toBe('Ah, @Megan, @Alex, I saw them in a separate folder. Thanks!');
    expect(read('mention-message-action.html')).toBe('@Testing outgoing Webhook-Nikitha - Hi');
  });

  it('emoji are their alt text: <emoji>, <customemoji> as :name:, an emoji <img>', () => {
    expect(read('emoji-graph.html')).toBe('I am looking 👀:microsoft_teams:');
    expect(read('emoji-img.html')).toBe('Broker 3 is back 👍');
  });

  it('an image without alt text is "[image]", never an empty message', () => {
    expect(read('image-hosted-graph.html')).toBe('[image]');
  });

  it('nested divs are one line each, their source line breaks ignored', () => {
    expect(read('nested-divs-graph.html')).toBe('Test');
    expect(read('nested-divs.html')).toBe('Timeline\n10:02 alert fired\n10:04 replica promoted');
  });

  it('intentional blank lines are kept, at most one in a row', () => {
    expect(read('blank-lines.html')).toBe(
      'Root cause found.\n\nLag spiked after the deploy.\nTimeline:\n10:02 alert\n\n10:04 promoted',
    );
  });

  it('quotes are "> " lines and headings their own line', () => {
    expect(read('quote-heading.html')).toBe('> Is the replica healthy?\nAnswer\nYes, lag is 0.');
  });
});

describe('htmlToText on hostile or odd HTML', () => {
  it('references to control characters never become token markers or placeholders', () => {
    const out = htmlToText('<p>a&#2;l&#x1f;x&#3; b&#1;0&#1; c&#x7F;</p>');
    expect(out).toBe('alx b0 c');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('scripts and styles are dropped with their content; a lone "<" is text', () => {
    expect(htmlToText('<style>p{}</style><p>x <script>alert(1)</script>a < b, <3</p>')).toBe('x a < b, <3');
  });

  it('a table row is one line, cells joined with " | "', () => {
    expect(
      htmlToText(
        '<table><tr><th>Node</th><th>Lag</th></tr><tr><td><p>db-2</p></td><td>0 s</td></tr></table>',
      ),
    ).toBe('Node | Lag\ndb-2 | 0 s');
  });

  it('a Teams code block (<codeblock><code>, lines by <br>) is verbatim too', () => {
    expect(
      htmlToText(
        '<codeblock class=""><code>if (a &amp;&amp; b) {<br>  go();<br>}</code></codeblock><p>ok</p>',
      ),
    ).toBe('if (a && b) {\n  go();\n}\nok');
  });

  it('links to other schemes keep their text only; <ol start> is honoured', () => {
    expect(htmlToText('<a href="javascript:alert(1)">click</a><ol start="3"><li>c</li></ol>')).toBe(
      'click\n3. c',
    );
  });

  it('unclosed tags and quotes stay linear and never throw', () => {
    const evil = `${'<a href="'.repeat(5000)}${'<div'.repeat(5000)} tail`;
    expect(() => htmlToText(evil)).not.toThrow();
    expect(htmlToText('<p>unclosed <b>bold')).toBe('unclosed bold');
  });
});

describe('which text is read', () => {
  it('a chatMessage body: html read, text and markdown as written, anything else empty', () => {
    expect(messageBodyText({ contentType: 'html', content: '<p>a &amp; b</p><p>c</p>' })).toBe('a & b\nc');
    expect(messageBodyText({ contentType: 'text', content: 'a &amp; <b>\r\n\r\n\r\nc  ' })).toBe(
      'a &amp; <b>\n\nc',
    );
    expect(messageBodyText({ messageBodyContentType: 'markdown', content: '**x**' })).toBe('**x**');
    expect(messageBodyText(5)).toBe('');
    expect(messageBodyText({ content: 5 })).toBe('');
  });

  it("an activity's text/html attachment is preferred to its flattened text", () => {
    expect(
      activityHtml({
        text: 'a b',
        attachments: [{ contentType: 'text/html', content: '<p>a</p><p>b</p>' }],
      }),
    ).toBe('<p>a</p><p>b</p>');
    expect(activityHtml({ text: '<p>only</p>', attachments: 'x' })).toBe('<p>only</p>');
    expect(activityHtml({ text: 7 })).toBe('');
  });

  it('commandText still reads commands on one line, entities and emoji decoded', async () => {
    const a = {
      text: '<p><at>Incident Bot</at> incident log failover&nbsp;done &#8217;&euro;</p><p>next <emoji alt="👍"></emoji></p>',
      recipient: { id: '28:bot' },
      entities: [
        { type: 'mention', text: '<at>Incident Bot</at>', mentioned: { id: '28:bot', name: 'Incident Bot' } },
      ],
    };
    expect(await commandText(a, async (m) => m.id)).toBe('incident log failover done ’€ next 👍');
  });
});
