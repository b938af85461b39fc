/**
 * A running VM's screen in small on the overview, refreshed every few seconds while it is on screen in a visible
 * tab; a click opens its Console tab. Nothing for a VM without a display, and nothing asked for one that is not
 * connected (the last picture stays, dimmed).
 */
import type { Vm } from '@qmpdeck/protocol';
import { useState } from 'react';
import { Link } from 'wouter';
import { consoleHref, SCREEN } from '../console-route.ts';
import { useInView } from './useInView.ts';
import { useObjectUrl } from './useObjectUrl.ts';
import { usePageVisible } from './usePageVisible.ts';
import { useScreenshot } from './useScreenshot.ts';

export function ScreenThumbnail({ vm }: { vm: Pick<Vm, 'id' | 'name' | 'connection' | 'consoles'> }) {
  const [box, setBox] = useState<HTMLAnchorElement | null>(null);
  const inView = useInView(box);
  const pageVisible = usePageVisible();
  const hasDisplay = vm.consoles?.vnc === true;
  const connected = vm.connection === 'connected';
  const screenshot = useScreenshot(vm.id, hasDisplay && connected && inView && pageVisible);
  const url = useObjectUrl(screenshot.data?.image);
  if (!hasDisplay || screenshot.error?.status === 404) return null;
  return (
    <Link
      ref={setBox}
      href={consoleHref(vm.id, SCREEN)}
      className="block h-12 w-20 shrink-0 overflow-hidden rounded border border-zinc-300 bg-zinc-900 dark:border-zinc-700"
      title={`Open the screen of ${vm.name}`}
      // Named "Screen" only, inside the VM's row: a name with the VM's in it would also answer a search for the
      // VM's own link (by people and by tests alike).
      aria-label="Screen"
      data-testid="vm-thumbnail"
    >
      {url ? (
        <img
          src={url}
          alt=""
          className={`h-full w-full object-contain ${connected ? '' : 'opacity-40'}`}
          data-etag={screenshot.data?.etag ?? ''}
        />
      ) : null}
    </Link>
  );
}
