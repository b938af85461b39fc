/**
 * A serial port in an xterm.js terminal (loaded on demand): the port's bytes both ways through the bridge's
 * `/serial/:name` WebSocket, the replay the bridge sends first (the last screenful) on a fresh screen, the
 * terminal fitted to the pane (the guest cannot learn the size over a serial line, so the status line offers the
 * `stty` line to type), copy and paste (Ctrl+Shift+C / Ctrl+Shift+V, or the browser's menu), the port's log to
 * download, and a connection that comes back by itself. Someone who may not type gets a terminal with its input
 * off, and is told why.
 */
import type { Vm } from '@qmpdeck/protocol';
import type { FitAddon } from '@xterm/addon-fit';
import type { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { consolePaths, probeConsole, webSocketUrl } from '../../../api/consoles.ts';
import { ConsoleStatusLine } from '../ConsoleStatusLine.tsx';
import { INITIAL_LINK_STATE, type LinkState } from '../link/link-state.ts';
import { ReconnectingLink } from '../link/reconnecting-link.ts';
import type { InputPermission } from '../useInputPermission.ts';
import { openSerialAttempt, type SerialSocket } from './serial-attempt.ts';
import { binaryStringBytes, sttyHint, terminalShortcut, textBytes } from './terminal-input.ts';

const DEFINITIVE = ['NoSuchConsole', 'VmNotFound'];

type XtermModules = typeof import('./xterm-modules.ts');

export interface SerialViewProps {
  vm: Pick<Vm, 'id' | 'name' | 'status' | 'connection' | 'message'>;
  port: string;
  input: InputPermission;
  popout?: boolean;
}

function useXterm(): { modules: XtermModules | null; error: string | null } {
  const [state, setState] = useState<{ modules: XtermModules | null; error: string | null }>({
    modules: null,
    error: null,
  });
  useEffect(() => {
    let live = true;
    import('./xterm-modules.ts').then(
      (modules) => live && setState({ modules, error: null }),
      (error: unknown) => live && setState({ modules: null, error: String(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export default function SerialView({ vm, port, input, popout = false }: SerialViewProps) {
  const { modules, error: loadError } = useXterm();
  const pane = useRef<HTMLElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const socket = useRef<SerialSocket | null>(null);
  const linkRef = useRef<ReconnectingLink | null>(null);
  const allowed = useRef(input.allowed);
  allowed.current = input.allowed;
  const [link, setLink] = useState<LinkState>(INITIAL_LINK_STATE);
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const [clipboardNote, setClipboardNote] = useState<string | null>(null);

  useEffect(() => {
    const element = pane.current;
    if (!modules || !element) return;
    const term = new modules.Terminal({
      convertEol: false,
      cursorBlink: true,
      disableStdin: !allowed.current,
      fontSize: 14,
      scrollback: 5_000,
      theme: { background: '#18181b' },
    });
    const fit: FitAddon = new modules.FitAddon();
    term.loadAddon(fit);
    term.open(element);
    terminal.current = term;
    const send = (bytes: Uint8Array<ArrayBuffer>) => {
      if (allowed.current) socket.current?.send(bytes);
    };
    const onData = term.onData((text) => send(textBytes(text)));
    const onBinary = term.onBinary((binary) => send(binaryStringBytes(binary)));
    const onResize = term.onResize(({ cols, rows }) => setSize({ cols, rows }));
    term.attachCustomKeyEventHandler((event) => {
      const shortcut = terminalShortcut(event);
      if (shortcut === null) return true;
      if (shortcut === 'copy') {
        // Ctrl+Shift+C would open the browser's inspector: the page copies the selection itself.
        event.preventDefault();
        const selection = term.getSelection();
        if (selection) {
          navigator.clipboard.writeText(selection).then(
            () => setClipboardNote(null),
            () =>
              setClipboardNote('The browser did not let the page copy: use its menu (right-click → Copy).'),
          );
        }
      }
      // Paste: xterm.js leaves the key alone and the browser pastes into the terminal (its paste event, which
      // xterm.js turns into input), with no clipboard permission to ask for.
      return false;
    });
    const refit = () => {
      // A hidden pane (another tab, full screen leaving) has no size: keep the last one.
      if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
    };
    const observer = new ResizeObserver(refit);
    observer.observe(element);
    refit();
    setSize({ cols: term.cols, rows: term.rows });

    const path = consolePaths.serial(vm.id, port);
    const reconnecting = new ReconnectingLink({
      open: (handlers) =>
        openSerialAttempt({
          url: webSocketUrl(path),
          handlers: {
            opened: () => {
              // The bridge starts every connection with the port's last screenful: show it on a clean screen.
              term.reset();
              handlers.opened();
            },
            closed: handlers.closed,
          },
          onSocket: (current) => {
            socket.current = current;
          },
          onBytes: (bytes) => term.write(bytes),
        }),
      onState: setLink,
      probe: () => probeConsole(path),
      definitive: DEFINITIVE,
    });
    linkRef.current = reconnecting;
    reconnecting.start();
    return () => {
      reconnecting.stop();
      linkRef.current = null;
      observer.disconnect();
      onData.dispose();
      onBinary.dispose();
      onResize.dispose();
      term.dispose();
      terminal.current = null;
    };
  }, [modules, vm.id, port]);

  useEffect(() => {
    if (terminal.current) terminal.current.options.disableStdin = !input.allowed;
  }, [input.allowed]);

  const hint = size ? sttyHint(size.cols, size.rows) : null;
  return (
    <div className={`flex min-h-0 flex-1 flex-col bg-white dark:bg-zinc-950 ${popout ? 'h-dvh' : ''}`}>
      <div className="relative min-h-0 flex-1 bg-[#18181b] p-1">
        <section
          ref={pane}
          className="h-full w-full"
          data-testid="serial-terminal"
          data-connected={link.phase === 'connected' ? 'true' : 'false'}
          aria-label={`Serial port ${port} of ${vm.name}`}
        />
      </div>
      <ConsoleStatusLine link={link} vm={vm} onRetryNow={() => linkRef.current?.retryNow()}>
        {loadError && (
          <span className="text-red-700 dark:text-red-400">Could not load the terminal: {loadError}</span>
        )}
        {hint && (
          <span title="A serial line does not tell the guest the terminal's size; type this in the guest's shell">
            {size?.cols}×{size?.rows} · <code data-testid="stty-hint">{hint}</code>
          </span>
        )}
        <span>Copy Ctrl+Shift+C · paste Ctrl+Shift+V</span>
        <a
          href={consolePaths.serialLog(vm.id, port)}
          download={`${vm.id}-${port}.log`}
          className="text-sky-700 underline dark:text-sky-400"
        >
          Download log
        </a>
        {clipboardNote && <span className="text-amber-700 dark:text-amber-400">{clipboardNote}</span>}
        {!input.allowed && (
          <span data-testid="view-only">View only{input.reason ? `: ${input.reason}` : ''}</span>
        )}
      </ConsoleStatusLine>
    </div>
  );
}
