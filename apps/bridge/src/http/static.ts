/**
 * Serves the built web app (apps/web/dist) with SPA fallback to index.html.
 * Paths are decoded once, resolved, and must stay inside the root (checked again
 * after symlinks are resolved), so `..` and encoded variants cannot escape.
 */
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { RouteHandler } from './context.ts';
import { sendJson } from './respond.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>QMP Deck</title></head>
<body><h1>QMP Deck</h1><p>The bridge is running, but the web app is not built. Run <code>pnpm build</code> and reload.</p>
<p>The API is at <a href="/api/vms">/api/vms</a>.</p></body></html>`;

export const serveStatic: RouteHandler = ({ req, res, ctx }) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: { class: 'MethodNotAllowed', desc: 'only GET and HEAD are served here' } });
    return;
  }
  const root = ctx.webRoot;
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    send(res, 200, 'text/html; charset=utf-8', NOT_BUILT, req.method === 'HEAD');
    return;
  }
  const file = resolveInside(root, new URL(req.url ?? '/', 'http://x').pathname);
  if (file === null) {
    send(res, 400, 'text/plain; charset=utf-8', 'bad path', req.method === 'HEAD');
    return;
  }
  if (file !== '' && isFileInside(file, root)) {
    streamFile(res, file, req.method === 'HEAD');
    return;
  }
  // A missing asset is a real 404; any other path is a client-side route of the SPA.
  if (extname(file) !== '' && extname(file) !== '.html') {
    send(res, 404, 'text/plain; charset=utf-8', 'not found', req.method === 'HEAD');
    return;
  }
  streamFile(res, index, req.method === 'HEAD');
};

/** The file for a URL path, '' for the root, or null when the path is malformed or escapes. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded}`);
  if (file === base) return '';
  if (!file.startsWith(base + sep)) return null;
  return file;
}

/** A regular file whose real path (symlinks resolved) is still inside the root. */
function isFileInside(file: string, root: string): boolean {
  try {
    return statSync(file).isFile() && realpathSync(file).startsWith(realpathSync(root) + sep);
  } catch {
    return false;
  }
}

function streamFile(res: ServerResponse, file: string, headOnly: boolean): void {
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': type,
    'content-length': statSync(file).size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (headOnly) {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

function send(res: ServerResponse, status: number, type: string, text: string, headOnly: boolean): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(headOnly ? undefined : text);
}
