/**
 * The overview's thumbnail asks for the screen only while someone can see it (a visible tab, the row on screen),
 * sends the last ETag so an unchanged screen costs a 304, shows nothing for a VM without a display, and opens
 * the Console tab. The bridge's HTTP answers are stood in by a fetch that records what it was asked; the e2e
 * spec checks the real bridge and QEMU.
 */
import type { Vm } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { ScreenThumbnail } from './ScreenThumbnail.tsx';
import { THUMBNAIL_REFRESH_MS } from './useScreenshot.ts';

const vm = (change: Partial<Vm> = {}): Vm => ({
  id: 'alpha',
  name: 'Alpha',
  connection: 'connected',
  status: 'running',
  qemu: null,
  consoles: { vnc: true, serial: [] },
  ...change,
});

interface Asked {
  url: string;
  ifNoneMatch: string | null;
}

let asked: Asked[];
let screens: { etag: string; status: number }[];
let observers: { callback: IntersectionObserverCallback; element: Element | null }[];

class FakeIntersectionObserver {
  readonly entry: { callback: IntersectionObserverCallback; element: Element | null };
  constructor(callback: IntersectionObserverCallback) {
    this.entry = { callback, element: null };
    observers.push(this.entry);
  }
  observe(element: Element) {
    this.entry.element = element;
  }
  disconnect() {
    this.entry.element = null;
  }
}

function scrollIntoView(visible: boolean) {
  for (const observer of observers) {
    if (!observer.element) continue;
    const entry = { isIntersecting: visible, target: observer.element } as IntersectionObserverEntry;
    act(() => observer.callback([entry], {} as IntersectionObserver));
  }
}

function setTabVisible(visible: boolean) {
  Object.defineProperty(document, 'visibilityState', {
    value: visible ? 'visible' : 'hidden',
    configurable: true,
  });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

const thumbnailImage = () => screen.getByTestId('vm-thumbnail').querySelector('img');

function renderThumbnail(machine: Vm) {
  const memory = memoryLocation({ path: '/', record: true });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Router hook={memory.hook}>
        <ScreenThumbnail vm={machine} />
      </Router>
    </QueryClientProvider>,
  );
  return memory;
}

beforeEach(() => {
  asked = [];
  observers = [];
  screens = [
    { etag: '"one"', status: 200 },
    { etag: '"one"', status: 304 },
    { etag: '"two"', status: 200 },
  ];
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    asked.push({ url, ifNoneMatch: headers.get('if-none-match') });
    const next = screens.shift() ?? { etag: '"two"', status: 304 };
    if (next.status === 304) return new Response(null, { status: 304, headers: { etag: next.etag } });
    return new Response(new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), {
      status: 200,
      headers: { etag: next.etag, 'content-type': 'image/png' },
    });
  });
  vi.stubGlobal(
    'URL',
    Object.assign(URL, { createObjectURL: () => 'blob:screen', revokeObjectURL: () => {} }),
  );
  setTabVisible(true);
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ScreenThumbnail', () => {
  it('asks only once on screen, then again every few seconds with the last ETag', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderThumbnail(vm());
    await act(() => vi.advanceTimersByTimeAsync(THUMBNAIL_REFRESH_MS * 2));
    expect(asked).toEqual([]);
    scrollIntoView(true);
    await waitFor(() => expect(thumbnailImage()?.dataset.etag).toBe('"one"'));
    expect(asked).toEqual([{ url: '/api/vms/alpha/screenshot', ifNoneMatch: null }]);
    await act(() => vi.advanceTimersByTimeAsync(THUMBNAIL_REFRESH_MS));
    await act(() => vi.advanceTimersByTimeAsync(THUMBNAIL_REFRESH_MS));
    await waitFor(() => expect(thumbnailImage()?.dataset.etag).toBe('"two"'));
    expect(asked.map((a) => a.ifNoneMatch)).toEqual([null, '"one"', '"one"']);
  });

  it('asks nothing while the tab is hidden or the row is scrolled away', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderThumbnail(vm());
    scrollIntoView(true);
    await waitFor(() => expect(asked).toHaveLength(1));
    setTabVisible(false);
    await act(() => vi.advanceTimersByTimeAsync(THUMBNAIL_REFRESH_MS * 3));
    expect(asked).toHaveLength(1);
    setTabVisible(true);
    await waitFor(() => expect(asked).toHaveLength(2));
    scrollIntoView(false);
    await act(() => vi.advanceTimersByTimeAsync(THUMBNAIL_REFRESH_MS * 3));
    expect(asked).toHaveLength(2);
  });

  it('shows nothing and asks nothing for a VM without a display, or one that is not connected', async () => {
    renderThumbnail(vm({ consoles: { vnc: false, serial: ['serial0'] } }));
    expect(screen.queryByTestId('vm-thumbnail')).toBeNull();
    cleanup();
    renderThumbnail(vm({ connection: 'disconnected' }));
    scrollIntoView(true);
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(asked).toEqual([]);
  });

  it('hides itself when the bridge says the VM has no display', async () => {
    screens = [{ etag: '', status: 404 }];
    vi.stubGlobal('fetch', async () =>
      Response.json({ error: { class: 'NoDisplay', desc: 'no display' } }, { status: 404 }),
    );
    renderThumbnail(vm());
    scrollIntoView(true);
    await waitFor(() => expect(screen.queryByTestId('vm-thumbnail')).toBeNull());
  });

  it("opens the VM's screen in the Console tab, as a link named Screen", async () => {
    renderThumbnail(vm());
    expect(screen.getByRole('link', { name: 'Screen' }).getAttribute('href')).toBe(
      '/vms/alpha/console/screen',
    );
  });
});
