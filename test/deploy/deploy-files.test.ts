// The deployment files say what docs/operations.md says they do: what the runtime image holds and runs,
// one replica that never overlaps with the next (SQLite has one writer), probes on the real endpoints,
// and a unit that does not restart-loop on a configuration error. The image itself is built and run by
// .ci/container-smoke.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const runtime = text.slice(text.indexOf(' AS runtime'));

  it('builds in one stage and runs the built files, as a non-root user, in another', () => {
    expect(text).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(runtime).toMatch(/^USER incident-bot$/m);
    expect(runtime).toMatch(/useradd --system --uid 10001/);
    expect(runtime).toMatch(/^CMD \["node", "--max-semi-space-size=8", "dist\/src\/main\.js"\]$/m);
    expect(runtime).not.toMatch(/npm (start|run)/);
    expect(runtime).toMatch(/NODE_ENV=production/);
  });

  it('copies every folder the running bot reads, keeps the database on /data, checks /readyz', () => {
    for (const dir of ['dist', 'node_modules', 'migrations', 'playbooks'])
      expect(runtime).toMatch(new RegExp(`^COPY .*\\b${dir}\\b.*\\./${dir}$`, 'm'));
    expect(runtime).toMatch(/DATABASE_PATH=\/data\/incident-bot\.db/);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/readyz/m);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
  });

  it('.dockerignore keeps local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const p of ['node_modules', 'data', '.env', '*.db', '.cache']) expect(ignored).toContain(p);
  });
});

describe('deploy/', () => {
  it('Kubernetes: one replica, Recreate, a persistent volume, liveness /healthz, readiness /readyz, non-root', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/incident-bot.yaml')).map((d) => d.toJS());
    const dep = docs.find((d) => d.kind === 'Deployment');
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy.type).toBe('Recreate');
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.securityContext.runAsUser).toBe(10001);
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'NODE_ENV', value: 'production' }]));
    const data = pod.volumes.find((v: { name: string }) => v.name === 'data');
    const claim = docs.find((d) => d.kind === 'PersistentVolumeClaim');
    expect(data.persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10); // above SHUTDOWN_DRAIN_SECONDS' default
  });

  it('systemd: runs the built files, no restart loop on exit 2, SIGTERM with time to drain', () => {
    const unit = read('deploy/systemd/incident-bot.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node --max-semi-space-size=8 dist\/src\/main\.js$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(Number(unit.match(/^TimeoutStopSec=(\d+)$/m)?.[1])).toBeGreaterThan(10);
    expect(read('deploy/systemd/incident-bot-backup.service')).toMatch(/main\.js backup --out/);
  });

  it('compose: the database in a volume on /data, the signing key mounted read-only', () => {
    const compose = parseAllDocuments(read('compose.yaml'))[0]!.toJS();
    const svc = compose.services['incident-bot'];
    expect(svc.volumes).toEqual(expect.arrayContaining(['data:/data', expect.stringMatching(/:ro$/)]));
    expect(svc.environment.AUDIT_SIGNING_KEY_FILE).toMatch(/^\/run\/secrets\//);
  });
});
