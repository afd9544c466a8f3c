// The fake Slack Web API in its own process, so the CPU it spends answering the bot's Web API calls is not
// charged to the bot's (or the bare app's) ack latency. Started by bench/run.ts; prints one JSON line
// `{ "url": ".../api/", "control": "http://127.0.0.1:PORT" }` on stdout, then serves until stdin closes.
//   GET {control}/counts -> { total, byMethod: { method: n } } (cumulative Web API calls, any outcome)
// Options come as JSON in argv[2] (FakeSlackOptions). Only 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeSlackOptions, startFakeSlackApi } from '../test/support/fake-slack-api.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as FakeSlackOptions;
const fake = await startFakeSlackApi(opts);

// Cumulative counts; recorded calls are dropped so a long run does not grow the child's heap without bound.
let total = 0;
const byMethod: Record<string, number> = {};
const sweep = () => {
  for (const c of fake.calls) {
    total++;
    byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
  }
  fake.calls.length = 0;
};

const control = createServer((req, res) => {
  if (req.url === '/counts') {
    sweep();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ total, byMethod }));
    return;
  }
  res.writeHead(404).end();
});
await new Promise<void>((ok) => control.listen(0, '127.0.0.1', () => ok()));
const port = (control.address() as AddressInfo).port;
process.stdout.write(`${JSON.stringify({ url: fake.url, control: `http://127.0.0.1:${port}` })}\n`);

const stop = () => {
  control.close();
  fake.close().finally(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
