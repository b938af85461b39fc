/**
 * Who may read usage and hardware on a bridge with users: `GET /metrics` needs a credential (a bearer token for a
 * scrape) and `metrics.read`, and holds only the caller's VMs; the VM routes answer a VM out of scope as one that
 * does not exist; a look at the Hardware tab is one `hardware.read` command (one audit row), its queries still
 * held to the role. Against two real (paused) QEMUs, checked by promtool where it is fetched.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hardware } from '@qmpdeck/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPromtool, NOT_FETCHED_REASON } from '../../../../demo/promtool/cache.ts';
import type { RunningBridge } from '../server.ts';
import { bearer, requestJson, startTestBridge } from '../testing/bridge.ts';
import { startQemu, type TestQemu } from '../testing/qemu.ts';
import { testUser, userConfig } from '../testing/users.ts';
import { waitFor } from '../testing/wait-for.ts';

const promtool = findPromtool();
if (promtool === null) console.warn(NOT_FETCHED_REASON);

describe('usage and hardware with users', () => {
  let dir: string;
  let alpha: TestQemu;
  let beta: TestQemu;
  let bridge: RunningBridge;
  const viewer = testUser('vera', 'viewer', ['alpha']);
  const operator = testUser('otto', 'operator');
  const admin = testUser('ada', 'admin');
  /** A role whose rule the config replaced with queries only: no metrics.read, no hardware.read. */
  const limited = testUser('lou', 'operator');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmpdeck-metrics-access-'));
    [alpha, beta] = await Promise.all([startQemu(dir, 'alpha'), startQemu(dir, 'beta')]);
    bridge = await startTestBridge(dir, {
      metrics: { intervalSeconds: 1 },
      vms: [
        { id: 'alpha', qmp: { socket: alpha.qmpPath } },
        { id: 'beta', qmp: { socket: beta.qmpPath } },
      ],
      users: [userConfig(viewer), userConfig(operator), userConfig(admin)],
    });
    await waitFor(() => bridge.registry.all().every((vm) => vm.status !== null), 'both VMs connected');
  });

  afterAll(async () => {
    await bridge?.stop();
    await Promise.all([alpha?.kill(), beta?.kill()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async (headers: Record<string, string>) => {
    const response = await fetch(`${bridge.url}/metrics`, { headers });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const auditOf = (user: string) => bridge.audit.page({ user, limit: 1000 });
  /** The user's audit rows written after `since` (the newest id before), oldest first. */
  const auditSince = (user: string, since: number) =>
    auditOf(user)
      .filter((entry) => entry.id > since)
      .reverse();
  const newestAuditId = () => bridge.audit.page({ limit: 1 })[0]?.id ?? 0;

  it('answers /metrics 401 without a credential or with a wrong token', async () => {
    for (const headers of [{}, bearer('not-a-token-of-anyone-0123456789')]) {
      const answer = await scrape(headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="qmpdeck"');
      expect(JSON.parse(answer.text).error.class).toBe('Unauthorized');
      expect(answer.text).not.toContain('qmpdeck_');
    }
  });

  it("gives a viewer's token a scrape of its own VMs only, which promtool accepts; the admin's holds all", async () => {
    // Both VMs have been sampled, so each has usage series to leave out or keep.
    await waitFor(() => bridge.registry.all().every((vm) => vm.snapshot().usage != null), 'both VMs sampled');
    const before = auditOf(viewer.name).length;
    const mine = await scrape(bearer(viewer.token));
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('qmpdeck_vm_up{vm="alpha"} 1');
    expect(mine.text).toContain('qmpdeck_vm_memory_rss_bytes{vm="alpha"}');
    expect(mine.text).not.toContain('beta');
    expect(mine.text).toContain('qmpdeck_websocket_clients');
    if (promtool !== null) {
      const check = spawnSync(promtool, ['check', 'metrics'], { input: mine.text, encoding: 'utf8' });
      expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: '' });
    }
    // A scrape every 15 s is not written to the audit log.
    expect(auditOf(viewer.name).length).toBe(before);

    const all = await scrape(bearer(admin.token));
    expect(all.status).toBe(200);
    expect(all.text).toContain('qmpdeck_vm_up{vm="alpha"} 1');
    expect(all.text).toContain('qmpdeck_vm_up{vm="beta"} 1');
    expect(all.text).toContain('qmpdeck_vm_memory_rss_bytes{vm="beta"}');
  });

  it.skipIf(promtool === null)(
    "scrapes as operations.md's scrape config says, a config promtool accepts",
    async () => {
      const doc = readFileSync(new URL('../../../../docs/operations.md', import.meta.url), 'utf8');
      const yaml = /```yaml\n(# prometheus\.yml\n[\s\S]*?)```/.exec(doc)?.[1];
      expect(yaml).toContain('credentials_file:');
      // This bridge serves plain HTTP on loopback; the token file is the test's. Nothing else is changed.
      const tokenFile = join(dir, 'qmpdeck.token');
      writeFileSync(tokenFile, `${viewer.token}\n`, { mode: 0o600 });
      const config = (yaml as string)
        .replace(/credentials_file: \S+/, `credentials_file: ${tokenFile}`)
        .replace(/scheme: https/, 'scheme: http')
        .replace(/targets: \[[^\]]*\]/, `targets: ["${new URL(bridge.url).host}"]`);
      const configFile = join(dir, 'prometheus.yml');
      writeFileSync(configFile, config);
      const check = spawnSync(promtool as string, ['check', 'config', configFile], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toContain('SUCCESS');
      expect(check.status).toBe(0);

      // What Prometheus then sends: GET metrics_path with "Authorization: <type> <the file, trimmed>".
      const field = (name: string) => new RegExp(`${name}: (\\S+)`).exec(config)?.[1] as string;
      const url = `${field('scheme')}://${new URL(bridge.url).host}${field('metrics_path')}`;
      const response = await fetch(url, {
        headers: {
          authorization: `${field('type')} ${readFileSync(tokenFile, 'utf8').trim()}`,
          accept: 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1',
        },
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('qmpdeck_vm_up{vm="alpha"} 1');
      expect(text).not.toContain('beta');
    },
  );

  it('refuses a scrape to a role without metrics.read, and audits the refusal', async () => {
    await bridge.stop();
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: alpha.qmpPath } }],
      users: [userConfig(limited), userConfig(viewer), userConfig(admin)],
      policy: { operator: { allow: ['query-*'] } },
    });
    const refused = await scrape(bearer(limited.token));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toEqual({
      error: { class: 'Forbidden', desc: 'role operator may not run metrics.read' },
    });
    expect(auditOf(limited.name)).toMatchObject([
      { command: 'metrics.read', vm: null, outcome: 'Forbidden', user: 'lou' },
    ]);
    // The refusal is counted in the exporter too, under no VM: an admin's scrape shows it, a scoped one does not.
    const counted = await scrape(bearer(admin.token));
    expect(counted.text).toContain(
      'qmpdeck_commands_total{vm="",command="metrics.read",outcome="refused"} 1',
    );
    const scoped = await scrape(bearer(viewer.token));
    expect(scoped.status).toBe(200);
    expect(scoped.text).not.toContain('metrics.read');
  });

  it('answers the usage and hardware routes of a VM out of scope exactly as for one that does not exist', async () => {
    for (const path of ['/api/vms/ID/metrics?range=day', '/api/vms/ID/hardware']) {
      const hidden = await requestJson(
        bridge,
        'GET',
        path.replace('ID', 'beta'),
        undefined,
        bearer(viewer.token),
      );
      const missing = await requestJson(
        bridge,
        'GET',
        path.replace('ID', 'betx'),
        undefined,
        bearer(viewer.token),
      );
      expect(hidden.status, path).toBe(404);
      expect(hidden.text.replaceAll('beta', 'betx')).toBe(missing.text);
      const anonymous = await requestJson(bridge, 'GET', path.replace('ID', 'alpha'), undefined);
      expect(anonymous.status, path).toBe(401);
    }
    const own = await requestJson(
      bridge,
      'GET',
      '/api/vms/alpha/metrics?range=hour',
      undefined,
      bearer(viewer.token),
    );
    expect(own.status).toBe(200);
    expect(own.body.range).toBe('hour');
  });

  it('reads the hardware as one audited hardware.read, leaving out for a viewer what shows host paths', async () => {
    await bridge.stop();
    bridge = await startTestBridge(dir, {
      vms: [{ id: 'alpha', qmp: { socket: alpha.qmpPath } }],
      users: [userConfig(viewer), userConfig(operator)],
    });
    await waitFor(() => bridge.registry.get('alpha')?.status != null, 'alpha connected');
    const since = newestAuditId();
    const asViewer = await requestJson(
      bridge,
      'GET',
      '/api/vms/alpha/hardware',
      undefined,
      bearer(viewer.token),
    );
    expect(asViewer.status).toBe(200);
    const seen = Hardware.parse(asViewer.body);
    expect(seen.errors.nodes).toEqual({
      class: 'Forbidden',
      desc: 'role viewer may not run query-named-block-nodes',
    });
    expect(seen.cpus?.present.length).toBeGreaterThan(0);
    // The QOM reads are hardware.read's own (a viewer may not run qom-get or qom-list by themselves).
    expect(seen.errors.devices).toBeUndefined();
    expect(seen.errors.machine).toBeUndefined();
    expect(seen.hotplug.machine).toMatch(/^pc/);
    expect(auditSince(viewer.name, since)).toMatchObject([
      { command: 'hardware.read', target: 'bridge', vm: 'alpha', outcome: 'ok', origin: 'Hardware tab' },
    ]);

    const asOperator = await requestJson(
      bridge,
      'GET',
      '/api/vms/alpha/hardware',
      undefined,
      bearer(operator.token),
    );
    expect(asOperator.status).toBe(200);
    expect(Hardware.parse(asOperator.body).errors.nodes).toBeUndefined();
    expect(auditSince(operator.name, since).map((entry) => entry.command)).toEqual(['hardware.read']);
  });

  it('lets an operator hot-plug where a viewer is refused, each one audited command', async () => {
    const since = newestAuditId();
    const refused = await requestJson(bridge, 'POST', '/api/vms/alpha/nics', {}, bearer(viewer.token));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      class: 'Forbidden',
      desc: 'role viewer may not run device.nic-add',
    });
    // The machine of a bare test QEMU has nowhere to plug a NIC, or somewhere: either way the role was let in.
    const tried = await requestJson(bridge, 'POST', '/api/vms/alpha/nics', {}, bearer(operator.token));
    expect(tried.status).not.toBe(403);
    expect(auditSince(viewer.name, since)).toMatchObject([
      { command: 'device.nic-add', outcome: 'Forbidden' },
    ]);
    expect(auditSince(operator.name, since)).toMatchObject([{ command: 'device.nic-add', vm: 'alpha' }]);
  });
});
