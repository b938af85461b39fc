import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.ts';
import type { QmpEvent } from './types.ts';

const event = (name: string): QmpEvent => ({ event: name, timestamp: { seconds: 1, microseconds: 0 } });

describe('EventQueue', () => {
  it('buffers in order, filters by name, and drains before ending', async () => {
    const queue = new EventQueue(['STOP', 'RESUME'], () => {});
    queue.push(event('STOP'));
    queue.push(event('RESET'));
    queue.push(event('RESUME'));
    queue.end();
    const names: string[] = [];
    for await (const e of queue) names.push(e.event);
    expect(names).toEqual(['STOP', 'RESUME']);
  });

  it('hands an event straight to a waiting consumer', async () => {
    const queue = new EventQueue(undefined, () => {});
    const next = queue.next();
    queue.push(event('RESET'));
    await expect(next).resolves.toEqual({ value: event('RESET'), done: false });
  });

  it('unregisters itself when the consumer breaks out of its loop', async () => {
    let removed = false;
    const queue = new EventQueue(undefined, () => {
      removed = true;
    });
    queue.push(event('A'));
    queue.push(event('B'));
    for await (const _ of queue) break;
    expect(removed).toBe(true);
    await expect(queue.next()).resolves.toMatchObject({ done: true });
  });
});
