// A stand-in for the Slack Web API for .ci/production-smoke: auth.test names a bot; everything else is ok.
// Dependency-free on purpose: it runs beside a production install that has no test helpers.
import { writeFileSync } from 'node:fs';
import http from 'node:http';

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    const body = req.url?.endsWith('/auth.test')
      ? {
          ok: true,
          user_id: 'U0SMOKE',
          bot_id: 'B0SMOKE',
          team: 'CI',
          team_id: 'T0SMOKE',
          url: 'https://ci/',
        }
      : { ok: true };
    res.end(JSON.stringify(body));
  });
});
server.listen(0, '127.0.0.1', () => writeFileSync(process.argv[2], String(server.address().port)));
