/**
 * Which API paths exist, whatever their method: a request for a known path with another method is 405
 * `MethodNotAllowed`, not 404 (fastify's router only says "no route"). Collected from the routes as they are
 * registered, so this list cannot drift from them.
 */
import type { FastifyInstance } from 'fastify';

export class ApiPaths {
  readonly #patterns: RegExp[] = [];

  /** Call before the API routes are registered. */
  collectFrom(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/api/')) this.#patterns.push(toPattern(route.url));
    });
  }

  has(path: string): boolean {
    return this.#patterns.some((pattern) => pattern.test(path));
  }
}

function toPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
