/**
 * GuestLink against a fake agent, for what a real demo guest does not do: an agent that lacks a command, and
 * one that falls silent without its connection closing. Real-guest behaviour is in guest-link.qemu.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestInfo } from '@qmpdeck/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { waitFor } from '../testing/wait-for.ts';
import { GuestLink } from './guest-link.ts';

/** Answers like qemu-ga 7.2 would, except that it has no guest-get-osinfo; `silent` stops all answers. */
class FakeAgent {
  silent = false;
  readonly server: Server;
  constructor() {
    this.server = createServer((socket) => this.#serve(socket));
  }

  #serve(socket: Socket): void {
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1').replaceAll('\xff', '');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (line !== '' && !this.silent) this.#answer(socket, JSON.parse(line));
      }
    });
  }

  #answer(socket: Socket, request: { execute: string; arguments?: { id?: number }; id?: unknown }): void {
    if (request.execute === 'guest-sync-delimited') {
      socket.write(`\xff${JSON.stringify({ return: request.arguments?.id })}\n`, 'latin1');
      return;
    }
    const answers: Record<string, object> = {
      'guest-ping': { return: {} },
      'guest-get-host-name': { return: { 'host-name': 'fake' } },
      'guest-network-get-interfaces': {
        return: [
          {
            name: 'eth0',
            'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '192.0.2.7', prefix: 24 }],
          },
        ],
      },
    };
    const body = answers[request.execute] ?? {
      error: { class: 'CommandNotFound', desc: `The command ${request.execute} has not been found` },
    };
    socket.write(`${JSON.stringify({ ...body, id: request.id })}\n`);
  }
}

describe('GuestLink with a fake agent', () => {
  let dir: string;
  let agent: FakeAgent;
  let link: GuestLink;
  const changes: GuestInfo[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmpdeck-fake-agent-'));
    agent = new FakeAgent();
    await new Promise<void>((resolve) => agent.server.listen(join(dir, 'qga.sock'), resolve));
    changes.length = 0;
    link = new GuestLink({
      vmId: 'fake',
      socketPath: join(dir, 'qga.sock'),
      log: silentLogger(),
      onChange: (guest) => changes.push(guest),
      timing: { syncTimeoutMs: 200, pingTimeoutMs: 200, heartbeatMs: 100, probeMinMs: 50, probeMaxMs: 200 },
    });
    link.start();
  });

  afterEach(async () => {
    await link.stop();
    await new Promise<void>((resolve) => agent.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves out what the agent cannot tell, keeps what it can', async () => {
    await waitFor(() => link.info.agent === 'connected', 'connected');
    expect(link.info).toEqual({
      agent: 'connected',
      hostname: 'fake',
      addresses: [{ interface: 'eth0', address: '192.0.2.7', prefix: 24, family: 'ipv4' }],
    });
    expect(changes.at(-1)).toEqual(link.info);
  });

  it('turns unavailable when the agent falls silent, keeping what it last said as stale, and fresh again when it answers', async () => {
    await waitFor(() => link.info.agent === 'connected', 'connected');
    agent.silent = true;
    await waitFor(() => link.info.agent === 'unavailable', 'unavailable after silence');
    expect(link.info).toEqual({
      agent: 'unavailable',
      stale: true,
      hostname: 'fake',
      addresses: [{ interface: 'eth0', address: '192.0.2.7', prefix: 24, family: 'ipv4' }],
    });
    await expect(link.execute('guest-ping', undefined)).rejects.toMatchObject({
      class: 'GuestAgentUnavailable',
    });
    agent.silent = false;
    await waitFor(() => link.info.agent === 'connected', 'connected again');
    expect(link.info.stale).toBeUndefined();
  });

  it('forgets the last known values when the guest goes away (reset, shutdown, QEMU exit)', async () => {
    await waitFor(() => link.info.hostname === 'fake', 'the hostname');
    agent.silent = true;
    link.agentGone('the guest restarted');
    expect(link.info).toEqual({ agent: 'unavailable' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(link.info).toEqual({ agent: 'unavailable' });
  });
});
