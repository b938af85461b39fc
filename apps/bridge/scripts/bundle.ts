/**
 * The bridge as it runs for people: one JavaScript file, `dist/main.mjs`, bundled by esbuild from `src/main.ts` and
 * the workspace packages it imports; the npm dependencies stay in node_modules. Run through tsx instead, the bridge
 * carries tsx's loader (a second V8 isolate in a thread of its own, and the TypeScript kept for source maps): an
 * idle bridge took 158 MB resident that way and 99 MB bundled.
 *
 * `pnpm start` bundles before every start (about 0.1 s), so the bundle is never older than the sources; so do the
 * benches, which measure what people run. The tests import the sources directly (vitest).
 *
 *   node --import tsx apps/bridge/scripts/bundle.ts      (or pnpm build)
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const BRIDGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles the bridge whose package is `bridgeDir` (this one by default; the bench bundles an older commit's too)
 * into `<bridgeDir>/dist/main.mjs`, and returns that path. Its npm dependencies are left to Node to load; the
 * `@qmpdeck/*` workspace packages are TypeScript sources, so they are bundled in.
 */
export async function bundleBridge(bridgeDir: string = BRIDGE_DIR): Promise<string> {
  const outfile = path.join(bridgeDir, 'dist', 'main.mjs');
  const { outputFiles } = await build({
    entryPoints: [path.join(bridgeDir, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    external: npmDependencies(bridgeDir),
    // Class and function names stay as written: error classes and log lines show them.
    keepNames: true,
    // For stack traces in TypeScript lines: NODE_OPTIONS=--enable-source-maps (off by default: it costs memory).
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(path.dirname(outfile), { recursive: true });
  for (const file of outputFiles) replaceIfChanged(file.path, file.contents);
  return outfile;
}

/**
 * Several `pnpm start`s may bundle at once (the end-to-end tests start one per worker) while others already run
 * the file: it is replaced by a rename, never rewritten in place, so no Node ever reads half of one.
 */
function replaceIfChanged(file: string, contents: Uint8Array): void {
  if (existsSync(file) && Buffer.compare(readFileSync(file), contents) === 0) return;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

function npmDependencies(bridgeDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(bridgeDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith('@qmpdeck/'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`bundled the bridge: ${path.relative(process.cwd(), await bundleBridge())}`);
}
