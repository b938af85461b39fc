/**
 * The metrics side of the bridge, put together from the config: the usage history (its own SQLite file, beside
 * the event database unless `metrics.database` says), the sampler (unless `metrics.enabled` is false) and the
 * Prometheus exporter. The server starts it once the VMs are started and stops it before they are.
 */
import { dirname, join } from 'node:path';
import type { UsageSample } from '@qmpdeck/protocol';
import type { MetricsConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { VmRegistry } from '../vms/vm-registry.ts';
import { MetricsHistory } from './metrics-history.ts';
import { PrometheusExporter } from './prometheus-exporter.ts';
import { UsageSampler } from './usage-sampler.ts';

export const DEFAULT_INTERVAL_SECONDS = 5;

export interface BridgeMetricsOptions {
  config: MetricsConfig | undefined;
  /** The event database's path: the history goes beside it by default. */
  eventDatabase: string;
  registry: VmRegistry;
  log: Logger;
  publishUsage: (vm: string, sample: UsageSample) => void;
  websocketClients: () => number;
}

export class BridgeMetrics {
  readonly history: MetricsHistory;
  readonly sampler: UsageSampler | null;
  readonly exporter: PrometheusExporter;
  readonly intervalSeconds: number;

  constructor(options: BridgeMetricsOptions) {
    const { config, registry, log } = options;
    this.intervalSeconds = config?.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
    this.history = new MetricsHistory(historyPath(config, options.eventDatabase), this.intervalSeconds);
    this.sampler =
      config?.enabled === false
        ? null
        : new UsageSampler({
            registry,
            history: this.history,
            intervalSeconds: this.intervalSeconds,
            log,
            publish: options.publishUsage,
          });
    this.exporter = new PrometheusExporter({
      registry,
      sampler: this.sampler,
      websocketClients: options.websocketClients,
    });
  }

  start(): void {
    this.sampler?.start();
  }

  async stop(): Promise<void> {
    await this.sampler?.stop();
    this.history.close();
  }
}

export function historyPath(config: MetricsConfig | undefined, eventDatabase: string): string {
  if (config?.database !== undefined) return config.database;
  if (eventDatabase === ':memory:') return ':memory:';
  return join(dirname(eventDatabase), 'metrics.db');
}
