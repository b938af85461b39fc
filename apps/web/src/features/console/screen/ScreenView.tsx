/**
 * The VM's screen with noVNC (loaded on demand): one RFB connection at a time through the bridge's `/vnc`
 * WebSocket, reconnecting by itself (a broken connection keeps its last picture, dimmed, until the next one
 * draws). Scale to fit or 1:1 with scrollbars, full screen (the Fullscreen API on the whole view, toolbar
 * included), a pop-out window with its own URL, the special keys menu and Type text, and a status line. Someone
 * who may not type gets noVNC's view-only mode, the keys menu and Type text as denied buttons that say why (and do
 * nothing), and the reason in the status line.
 */
import type RFB from '@novnc/novnc';
import type { Vm } from '@qmpdeck/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { consolePaths, probeConsole, webSocketUrl } from '../../../api/consoles.ts';
import { Button } from '../../../ui/Button.tsx';
import { ConsoleStatusLine } from '../ConsoleStatusLine.tsx';
import { consoleHref, SCREEN } from '../console-route.ts';
import { INITIAL_LINK_STATE, type LinkState } from '../link/link-state.ts';
import { ReconnectingLink } from '../link/reconnecting-link.ts';
import { TypeTextPanel } from '../type-text/TypeTextPanel.tsx';
import type { InputPermission } from '../useInputPermission.ts';
import { type KeyboardMode, keyboardMode } from './keyboard-mode.ts';
import { loadNoVnc } from './load-novnc.ts';
import { SpecialKeysMenu } from './SpecialKeysMenu.tsx';
import { applySettings, openVncAttempt, type RfbClass, type ScreenSettings } from './vnc-attempt.ts';

/** Classes after which there is nothing to connect to until the VM changes (the link still looks now and then). */
const DEFINITIVE = ['NoDisplay', 'VmNotFound'];

export interface ScreenViewProps {
  vm: Pick<Vm, 'id' | 'name' | 'status' | 'connection' | 'message'>;
  input: InputPermission;
  /** Whether Type text may be used (it also needs `input-send-event`); `input` when not given. */
  typeText?: InputPermission | undefined;
  /** In the pop-out window: fills it, and offers no second pop-out. */
  popout?: boolean;
}

function useNoVnc(): { Rfb: RfbClass | null; error: string | null } {
  const [state, setState] = useState<{ Rfb: RfbClass | null; error: string | null }>({
    Rfb: null,
    error: null,
  });
  useEffect(() => {
    let live = true;
    loadNoVnc().then(
      (Rfb) => live && setState({ Rfb, error: null }),
      (error: unknown) => live && setState({ Rfb: null, error: String(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

function useFullscreen(element: React.RefObject<HTMLElement | null>) {
  const [active, setActive] = useState(false);
  useEffect(() => {
    const update = () =>
      setActive(document.fullscreenElement !== null && document.fullscreenElement === element.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [element]);
  const toggle = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else
      void element.current
        ?.requestFullscreen()
        .catch((error: unknown) => console.warn('QMP Deck: full screen refused', error));
  }, [element]);
  return { active, toggle, available: typeof document !== 'undefined' && document.fullscreenEnabled };
}

export default function ScreenView({ vm, input, typeText = input, popout = false }: ScreenViewProps) {
  const { Rfb, error: loadError } = useNoVnc();
  const view = useRef<HTMLDivElement>(null);
  const target = useRef<HTMLDivElement>(null);
  const lastFrame = useRef<HTMLDivElement>(null);
  const linkRef = useRef<ReconnectingLink | null>(null);
  const [link, setLink] = useState<LinkState>(INITIAL_LINK_STATE);
  const [rfb, setRfb] = useState<RFB | null>(null);
  const [fit, setFit] = useState(true);
  const [typing, setTyping] = useState(false);
  const [keys, setKeys] = useState<KeyboardMode | null>(null);
  const settings = useRef<ScreenSettings>({ viewOnly: !input.allowed, fit });
  settings.current = { viewOnly: !input.allowed, fit };
  const fullscreen = useFullscreen(view);

  useEffect(() => {
    const element = target.current;
    if (!Rfb || !element) return;
    const path = consolePaths.vnc(vm.id);
    const reconnecting = new ReconnectingLink({
      open: (handlers) =>
        openVncAttempt({
          Rfb,
          target: element,
          url: webSocketUrl(path),
          settings: settings.current,
          handlers,
          onRfb: (current) => {
            if (current) lastFrame.current?.replaceChildren();
            setRfb(current);
          },
          onLastFrame: (canvas) => lastFrame.current?.replaceChildren(canvas),
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
    };
  }, [Rfb, vm.id]);

  useEffect(() => {
    if (rfb) applySettings(rfb, { viewOnly: !input.allowed, fit });
  }, [rfb, fit, input.allowed]);

  // QEMU offers extended key events in its first framebuffer update, a moment after the connection opens.
  useEffect(() => {
    setKeys(null);
    if (!rfb) return;
    const timers = [300, 1_500, 5_000].map((ms) => setTimeout(() => setKeys(keyboardMode(rfb)), ms));
    return () => {
      for (const timer of timers) clearTimeout(timer);
    };
  }, [rfb]);

  const popOut = () => {
    window.open(
      consoleHref(vm.id, SCREEN, { popout: true }),
      `qmpdeck-screen-${vm.id}`,
      'popup,width=1040,height=860',
    );
  };

  return (
    <div
      ref={view}
      className={`flex min-h-0 flex-1 flex-col bg-white dark:bg-zinc-950 ${popout ? 'h-dvh' : ''}`}
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-2 py-1.5 dark:border-zinc-800">
        <fieldset className="flex items-center rounded-md ring-1 ring-inset ring-zinc-300 dark:ring-zinc-700">
          <legend className="sr-only">Screen size</legend>
          {(
            [
              [true, 'Fit'],
              [false, '1:1'],
            ] as const
          ).map(([value, label]) => (
            <label
              key={label}
              className={`cursor-pointer px-2.5 py-1 text-sm ${fit === value ? 'bg-sky-700 text-white first:rounded-l-md last:rounded-r-md' : ''}`}
            >
              <input
                type="radio"
                name={`screen-size-${vm.id}`}
                className="sr-only"
                checked={fit === value}
                onChange={() => setFit(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        {fullscreen.available && (
          <Button size="compact" onClick={fullscreen.toggle} aria-pressed={fullscreen.active}>
            {fullscreen.active ? 'Exit full screen' : 'Full screen'}
          </Button>
        )}
        {!popout && (
          <Button size="compact" onClick={popOut}>
            Pop out
          </Button>
        )}
        {input.allowed ? (
          <SpecialKeysMenu rfb={rfb} />
        ) : (
          <Button size="compact" deniedReason={input.reason ?? 'You may not type into this console'}>
            Send keys ▾
          </Button>
        )}
        {typeText.allowed ? (
          <Button size="compact" aria-expanded={typing} onClick={() => setTyping((open) => !open)}>
            Type text
          </Button>
        ) : (
          <Button size="compact" deniedReason={typeText.reason ?? 'You may not type into this console'}>
            Type text
          </Button>
        )}
      </div>
      <div className="relative min-h-0 flex-1 bg-zinc-900">
        {/* The last picture of a broken connection, dimmed, until the next one draws. */}
        <div
          ref={lastFrame}
          aria-hidden="true"
          className={`pointer-events-none absolute inset-0 flex overflow-hidden opacity-40 [&>canvas]:m-auto ${rfb ? 'hidden' : ''}`}
        />
        <div
          ref={target}
          className="absolute inset-0"
          data-testid="screen"
          data-connected={rfb ? 'true' : 'false'}
          aria-label={`Screen of ${vm.name}`}
          role="application"
        />
      </div>
      {typing && typeText.allowed && <TypeTextPanel vm={vm} />}
      <ConsoleStatusLine link={link} vm={vm} onRetryNow={() => linkRef.current?.retryNow()}>
        {loadError && (
          <span className="text-red-700 dark:text-red-400">Could not load the VNC viewer: {loadError}</span>
        )}
        {rfb && keys && (
          <span data-testid="keyboard-mode">
            {keys === 'scancodes'
              ? 'keys as scancodes (any guest layout)'
              : 'keys as keysyms (QEMU maps them with -k)'}
          </span>
        )}
        {!input.allowed && (
          <span data-testid="view-only">View only{input.reason ? `: ${input.reason}` : ''}</span>
        )}
      </ConsoleStatusLine>
    </div>
  );
}
