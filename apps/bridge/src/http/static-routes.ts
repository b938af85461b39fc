/**
 * The built web app (apps/web/dist) through @fastify/static, with the SPA fallback to index.html. @fastify/static
 * refuses paths that leave the root (`..`, encoded or not, symlinks out) and copes with a file that vanishes while
 * it is being sent (a web rebuild): the request fails alone, the bridge keeps serving. Asset files (hashed names)
 * are cached for good, everything else is revalidated.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpContext } from './context.ts';
import { pathOf } from './request-path.ts';

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>QMP Deck</title></head>
<body><h1>QMP Deck</h1><p>The bridge is running, but the web app is not built. Run <code>pnpm build</code> and reload.</p>
<p>The API is at <a href="/api/vms">/api/vms</a>.</p></body></html>`;

/** Registered on the app itself: the fallback (in the not-found handler) uses its `reply.sendFile`. */
export async function registerStatic(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  await app.register(fastifyStatic, {
    root: ctx.webRoot,
    // The web app may be built after the bridge started: its absence is a page that says so, not a warning.
    suppressWarning: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      // RFC 9239's type for JavaScript (send's table still says application/javascript).
      if (/\.m?js$/.test(path)) reply.header('content-type', 'text/javascript; charset=utf-8');
      const immutable = path.includes(`${sep}assets${sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}

/**
 * What a GET of a path that is neither an API route nor a file gets: a client-side route of the SPA gets
 * index.html, a missing asset (a path with an extension) a real 404, and before `pnpm build` (or while a rebuild
 * has removed it) a page that says so. index.html is read whole (it is small), so it cannot vanish half sent.
 */
export async function serveAppFallback(
  ctx: HttpContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const extension = extname(pathOf(request.url));
  if (extension !== '' && extension !== '.html') {
    await reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return;
  }
  const index = await readIndex(ctx.webRoot);
  await reply
    .code(200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .send(index ?? NOT_BUILT);
}

async function readIndex(webRoot: string): Promise<Buffer | null> {
  try {
    return await readFile(join(webRoot, 'index.html'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
