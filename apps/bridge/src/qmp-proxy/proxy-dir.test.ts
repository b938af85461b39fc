/** The proxy's directory, socket files, TCP ports and token, on the real file system and network. */
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  claimSocketPath,
  ProxyDirError,
  prepareProxyDir,
  releaseProxyDir,
  resolveGroup,
} from './proxy-dir.ts';
import { TcpPorts } from './tcp-ports.ts';
import { TcpToken } from './tcp-token.ts';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qmp-proxy-dir-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the proxy directory', () => {
  it('is made 0700 (removed at stop when empty), and refuses a file or a link in its place', () => {
    const base = scratch();
    const dir = prepareProxyDir(join(base, 'a', 'qmp'), null, false);
    expect(statSync(dir.path).mode & 0o777).toBe(0o700);
    releaseProxyDir(dir);
    expect(() => statSync(dir.path)).toThrow();
    writeFileSync(join(base, 'file'), '');
    expect(() => prepareProxyDir(join(base, 'file'), null, false)).toThrow(ProxyDirError);
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'link'));
    expect(() => prepareProxyDir(join(base, 'link'), null, true)).toThrow(/is not a directory/);
  });

  it('names an unknown group, and finds a known one', async () => {
    await expect(resolveGroup('no-such-group-qmpdeck')).rejects.toThrow(
      'qmpProxy.group: there is no group "no-such-group-qmpdeck"',
    );
    expect(await resolveGroup('root')).toBe(0);
    expect(await resolveGroup(12345)).toBe(12345);
  });

  it("frees a crash's socket, and says why not for a live one, a plain file or a path too long", async () => {
    const base = scratch();
    const live = net.createServer().listen(join(base, 'live.qmp'));
    await once(live, 'listening');
    expect(await claimSocketPath(join(base, 'live.qmp'))).toBe('another process serves a socket there');
    live.close();
    writeFileSync(join(base, 'plain.qmp'), 'x');
    expect(await claimSocketPath(join(base, 'plain.qmp'))).toBe('a file that is not a socket is in the way');
    expect(await claimSocketPath(join(base, 'x'.repeat(120)))).toMatch(
      /longer than a unix socket's 107 bytes/,
    );
    expect(await claimSocketPath(join(base, 'free.qmp'))).toBeNull();
  });
});

describe('TCP ports and the token', () => {
  it('takes the next free ports from a base, in order', async () => {
    const taken = net.createServer().listen({ host: '127.0.0.1', port: 0 });
    await once(taken, 'listening');
    const base = (taken.address() as net.AddressInfo).port;
    const ports = new TcpPorts(base);
    const servers = [net.createServer(), net.createServer()];
    try {
      const first = await ports.listen(servers[0] as net.Server);
      const second = await ports.listen(servers[1] as net.Server);
      expect(first).toBeGreaterThan(base);
      expect(second).toBeGreaterThan(first);
    } finally {
      for (const server of [taken, ...servers]) server.close();
    }
  });

  it('writes a fresh 0600 token at each start and recognises only the current one', () => {
    const dir = scratch();
    const first = TcpToken.create(dir, null);
    const written = readFileSync(first.path, 'utf8').trim();
    expect(written).toMatch(/^qmpdeck_[A-Za-z0-9_-]{43}$/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(first.matches(written)).toBe(true);
    expect(first.matches(`${written}x`)).toBe(false);
    const second = TcpToken.create(dir, null);
    expect(second.matches(written)).toBe(false);
    second.remove();
    expect(() => statSync(second.path)).toThrow();
  });
});
