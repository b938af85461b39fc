/** The VM page's tabs are found as tabs (role, selection) and work from the keyboard, while staying links. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Router, useLocation } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { VM_TABS, VmTabs } from './VmTabs.tsx';

afterEach(cleanup);

function CurrentPath() {
  const [location] = useLocation();
  return <output data-testid="path">{location}</output>;
}

function renderTabs(path: string) {
  const memory = memoryLocation({ path, record: true });
  render(
    <Router hook={memory.hook}>
      <VmTabs vmId="alpha" current="timeline" />
      <CurrentPath />
    </Router>,
  );
  return memory;
}

describe('VmTabs', () => {
  it('is a tablist whose tabs are links with their own URLs, the current one selected', () => {
    renderTabs('/vms/alpha');
    expect(screen.getByRole('tablist', { name: 'VM sections' })).toBeTruthy();
    const timeline = screen.getByRole('tab', { name: 'Timeline' });
    const info = screen.getByRole('tab', { name: 'Info' });
    expect(timeline.getAttribute('aria-selected')).toBe('true');
    expect(info.getAttribute('aria-selected')).toBe('false');
    expect(info.getAttribute('href')).toBe('/vms/alpha/info');
    expect(screen.getAllByRole('tab').map((tab) => tab.tabIndex)).toEqual(
      VM_TABS.map((_, i) => (i === 0 ? 0 : -1)),
    );
  });

  it('moves between tabs with the arrow keys, Home and End, and opens one with Space', () => {
    renderTabs('/vms/alpha');
    const timeline = screen.getByRole('tab', { name: 'Timeline' });
    timeline.focus();
    fireEvent.keyDown(timeline, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Info' }));
    fireEvent.keyDown(document.activeElement as Element, { key: 'End' });
    expect(document.activeElement).toBe(
      screen.getByRole('tab', { name: VM_TABS[VM_TABS.length - 1]?.label }),
    );
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(timeline);
    fireEvent.keyDown(timeline, { key: 'ArrowLeft' });
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowLeft' });
    const beforeLast = VM_TABS[VM_TABS.length - 2];
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: beforeLast?.label }));
    fireEvent.keyDown(document.activeElement as Element, { key: ' ' });
    expect(screen.getByTestId('path').textContent).toBe(`/vms/alpha${beforeLast?.path}`);
  });
});
