/**
 * argv -> config -> start. Prints exactly one line on stdout when ready,
 * `listening on http://H:N` (with the real port, also for --port 0), which
 * scripts and tests wait for; logs go to stderr. Exit code 2 means "fix your
 * command line or config".
 */
import { CliError, parseCli, USAGE } from './cli.ts';
import { ConfigError, loadConfigFile } from './config/load.ts';
import type { BridgeConfig } from './config/schema.ts';
import { createLogger, defaultLogFormat } from './log.ts';
import { StartupError, startBridge } from './server.ts';
import { isSubcommand, runSubcommand, SubcommandError } from './subcommands/subcommands.ts';

const REPEAT_IS_SAME_REQUEST_MS = 2000;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const words = argv[0] === '--' ? argv.slice(1) : argv;
  if (isSubcommand(words[0])) {
    try {
      await runSubcommand(words[0], words.slice(1), {
        stdin: process.stdin,
        stdout: process.stdout,
        prompts: process.stderr,
      });
    } catch (err) {
      if (err instanceof SubcommandError) exitWith(2, err.message);
      throw err;
    }
    return;
  }
  let config: BridgeConfig = { vms: [] };
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(argv);
    if (cli.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (cli.config !== undefined) config = loadConfigFile(cli.config);
  } catch (err) {
    if (err instanceof CliError || err instanceof ConfigError) exitWith(2, err.message);
    throw err;
  }
  const log = createLogger(cli.logLevel ?? config.logLevel ?? 'info', cli.logFormat ?? defaultLogFormat());
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  try {
    bridge = await startBridge({ config, host: cli.host, port: cli.port, log });
  } catch (err) {
    if (err instanceof StartupError) exitWith(2, err.message);
    throw err;
  }
  let stopping: { signal: NodeJS.Signals; at: number } | null = null;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A group-wide signal (Ctrl-C, `kill -- -PGID`) reaches the bridge and a wrapper such as `pnpm start`, which
      // forwards it once more: the same signal right away is the same request. A later one means "now".
      if (signal === stopping.signal && Date.now() - stopping.at < REPEAT_IS_SAME_REQUEST_MS) {
        log.debug({ signal }, 'repeated signal ignored; already stopping');
        return;
      }
      exitWith(1, `second ${signal}: exiting now`);
    }
    stopping = { signal, at: Date.now() };
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
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  // Only once a stop signal has somewhere to go: whoever waits for this line may signal right after reading it.
  process.stdout.write(`listening on ${bridge.url}\n`);
}

function exitWith(code: number, message: string): never {
  process.stderr.write(`qmpdeck-bridge: ${message}\n`);
  process.exit(code);
}

main().catch((err: unknown) => {
  process.stderr.write(`qmpdeck-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
