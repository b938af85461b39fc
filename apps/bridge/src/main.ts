/**
 * argv -> config -> start. Prints exactly one line on stdout when ready,
 * `listening on http://H:N` (with the real port, also for --port 0), which
 * scripts and tests wait for; logs go to stderr. Exit code 2 means "fix your
 * command line or config".
 */
import { CliError, parseCli, USAGE } from './cli.ts';
import { ConfigError, loadConfigFile } from './config/load.ts';
import type { BridgeConfig } from './config/schema.ts';
import { createLogger } from './log.ts';
import { StartupError, startBridge } from './server.ts';

async function main(): Promise<void> {
  let config: BridgeConfig = { vms: [] };
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(process.argv.slice(2));
    if (cli.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (cli.config !== undefined) config = loadConfigFile(cli.config);
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError) exitWith(2, err.message);
    throw err;
  }
  const log = createLogger(cli.logLevel ?? config.logLevel ?? 'info');
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  try {
    bridge = await startBridge({ config, host: cli.host, port: cli.port, log });
  } catch (err) {
    if (err instanceof StartupError) exitWith(2, err.message);
    throw err;
  }
  process.stdout.write(`listening on ${bridge.url}\n`);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) exitWith(1, `second ${signal}: exiting now`);
    log.info({ signal }, 'stopping');
    bridge.stop().then(
      () => {
        log.flush();
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function exitWith(code: number, message: string): never {
  process.stderr.write(`qmpdeck-bridge: ${message}\n`);
  process.exit(code);
}

main().catch((err: unknown) => {
  process.stderr.write(`qmpdeck-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
