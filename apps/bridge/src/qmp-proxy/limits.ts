/** What one QMP proxy client may hold of the bridge, so that none can hurt the others or the dashboard. */

export interface ProxyLimits {
  /** One message's bytes (QEMU: 64 MiB); past it, QEMU's own "JSON token size limit exceeded". */
  maxMessageBytes: number;
  /** One message's tokens (QEMU: 2 Mi); past it, "JSON token count limit exceeded". */
  maxTokens: number;
  /** Open braces and brackets, as QEMU (1,024). */
  maxNesting: number;
  /**
   * In-band messages read ahead of their answers. QEMU reads none ahead without `oob`, and queues 8 with it; then
   * it stops reading, and so does the proxy: a client that floods is slowed by its own socket, nothing piles up.
   */
  inBandAheadWithOob: number;
  /** Bytes received and not yet read that make the proxy stop reading the socket (it reads ahead up to here). */
  maxUnreadBytes: number;
  /** Bytes written to a client and not yet taken by it; a client that falls further behind is disconnected. */
  maxBufferedBytes: number;
  /** Clients of one VM at once (waiting for the greeting or connected); more are disconnected at once. */
  maxClientsPerVm: number;
}

export const DEFAULT_PROXY_LIMITS: ProxyLimits = {
  maxMessageBytes: 1024 * 1024,
  maxTokens: 65_536,
  maxNesting: 1024,
  inBandAheadWithOob: 8,
  maxUnreadBytes: 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxClientsPerVm: 64,
};
