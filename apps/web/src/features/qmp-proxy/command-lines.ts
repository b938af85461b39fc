/**
 * The command lines a person copies to reach a VM's QMP endpoint on the bridge: QEMU's own qmp-shell and a raw
 * socat session, with paths quoted for a POSIX shell only where they need it.
 */
import type { QmpProxyEndpoint } from '@qmpdeck/protocol';

export interface EndpointCommand {
  label: string;
  line: string;
}

const SAFE_WORD = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** One argument as a POSIX shell reads it back unchanged. */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function endpointCommands(endpoint: QmpProxyEndpoint): EndpointCommand[] {
  const commands = [
    { label: 'qmp-shell', line: `qmp-shell ${shellQuote(endpoint.socket)}` },
    { label: 'socat', line: `socat - ${shellQuote(`UNIX-CONNECT:${endpoint.socket}`)}` },
  ];
  if (endpoint.tcp) {
    commands.push({
      label: 'qmp-shell over TCP',
      line: `qmp-shell ${endpoint.tcp.host}:${endpoint.tcp.port}`,
    });
  }
  return commands;
}

/** Where a TCP client finds the token it authenticates with: next to the sockets. */
export function tokenPath(endpoint: QmpProxyEndpoint): string {
  const slash = endpoint.socket.lastIndexOf('/');
  return `${endpoint.socket.slice(0, slash + 1)}tcp-token`;
}
