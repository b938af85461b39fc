import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOBODY } from '../auth/principal.ts';
import type { CommandRecord } from '../commands/command-audit.ts';
import { silentLogger } from '../log.ts';
import { VmRegistry } from '../vms/vm-registry.ts';
import { MetricsHistory } from './metrics-history.ts';
import { MAX_COMMAND_LABELS, PrometheusExporter, stateOf } from './prometheus-exporter.ts';
import { UsageSampler } from './usage-sampler.ts';

function exporter(): PrometheusExporter {
  const registry = new VmRegistry();
  const sampler = new UsageSampler({
    registry,
    history: new MetricsHistory(':memory:', 5),
    intervalSeconds: 5,
    log: silentLogger(),
    publish: () => {},
  });
  return new PrometheusExporter({ registry, sampler, websocketClients: () => 2 });
}

const command = (name: string, errorClass?: string, vm: string | null = 'a'): CommandRecord => ({
  request: {
    vm,
    target: vm === null ? 'bridge' : 'qmp',
    command: name,
    actor: { client: 'c1', user: null, origin: null },
    principal: NOBODY,
  },
  arguments: null,
  outcome: errorClass ? 'error' : 'ok',
  error: errorClass ? { class: errorClass, desc: '' } : null,
  durationMs: 2,
});

describe('PrometheusExporter', () => {
  it('defines every metric the Grafana dashboard asks for', () => {
    const names = new Set(
      exporter()
        .registry.getMetricsAsArray()
        .map((metric) => metric.name),
    );
    const dashboard = readFileSync(
      new URL('../../../../docs/grafana-dashboard.json', import.meta.url),
      'utf8',
    );
    const used = new Set(
      [...dashboard.matchAll(/qmpdeck_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, '')),
    );
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(names, name).toContain(name);
  });

  it('labels commands QEMU knew by name and the rest as other, up to a bounded number of names', async () => {
    const metrics = exporter();
    metrics.commandAudit.record(command('query-status'));
    metrics.commandAudit.record(command('no-such', 'CommandNotFound'));
    // query-status and 199 of these get names; the other 6, and the unknown one, are `other`.
    for (let i = 0; i < MAX_COMMAND_LABELS + 5; i++)
      metrics.commandAudit.record(command(`x-${i}`, 'GenericError'));
    const text = await metrics.scrape();
    expect(text).toContain('qmpdeck_commands_total{vm="a",command="query-status",outcome="ok"} 1');
    expect(text).toContain('qmpdeck_commands_total{vm="a",command="other",outcome="error"} 7');
    expect(text).not.toContain('no-such');
    expect(text).toContain(
      'qmpdeck_command_duration_seconds_bucket{le="0.005",vm="a",command="query-status"} 1',
    );
    expect(text).toContain('qmpdeck_websocket_clients 2');
  });

  it('counts a bridge-wide command (no VM) under an empty vm label, which a scoped scrape leaves out', async () => {
    const metrics = exporter();
    metrics.commandAudit.record(command('audit.read', undefined, null));
    metrics.commandAudit.record(command('query-status'));
    const all = await metrics.scrape();
    expect(all).toContain('qmpdeck_commands_total{vm="",command="audit.read",outcome="ok"} 1');
    const scoped = await metrics.scrape((vm) => vm === 'a');
    expect(scoped).not.toContain('audit.read');
    expect(scoped).toContain('qmpdeck_commands_total{vm="a",command="query-status",outcome="ok"} 1');
  });

  it('counts QEMU events but not the bridge’s own', async () => {
    const metrics = exporter();
    const at = { seconds: 0, microseconds: 0 };
    metrics.countEvent({ vm: 'a', seq: 1, event: 'STOP', timestamp: at, source: 'qemu' });
    metrics.countEvent({ vm: 'a', seq: 2, event: 'BRIDGE_CONNECTED', timestamp: at, source: 'bridge' });
    const text = await metrics.scrape();
    expect(text).toContain('qmpdeck_qmp_events_total{vm="a",event="STOP"} 1');
    expect(text).not.toContain('BRIDGE_CONNECTED');
  });

  it('names the state that is 1: the run state when connected, stopped or disconnected otherwise', () => {
    expect(stateOf('connected', 'paused')).toBe('paused');
    expect(stateOf('connected', null)).toBeNull();
    expect(stateOf('stopped', null)).toBe('stopped');
    expect(stateOf('busy', null)).toBe('disconnected');
  });
});
