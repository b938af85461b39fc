/**
 * The screen's toolbar by what the person may do, with noVNC not loaded (the e2e specs drive the real one):
 * someone who may type gets the keys menu and Type text; someone who may not gets both as denied buttons that say
 * why and open nothing, and the reason in the status line.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ScreenView from './ScreenView.tsx';

// noVNC never arrives: this is about the page around it.
vi.mock('./load-novnc.ts', () => ({ loadNoVnc: () => new Promise(() => {}) }));
vi.mock('../../../live/useExecute.ts', () => ({ useExecute: () => async () => ({}) }));

const vm = {
  id: 'alpha',
  name: 'Alpha',
  status: 'running' as const,
  connection: 'connected' as const,
  message: null,
};

afterEach(cleanup);

describe('ScreenView', () => {
  it('offers the keys menu and Type text to someone who may type', () => {
    render(<ScreenView vm={vm} input={{ allowed: true, reason: null }} />);
    expect(screen.getByText('Send keys ▾')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Type text' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Pop out' })).toBeTruthy();
    expect(screen.queryByTestId('view-only')).toBeNull();
    expect(screen.getByTestId('console-status').textContent).toContain('Connecting');
  });

  it('offers neither to someone who may only watch, and says why', () => {
    const reason = 'Your role (viewer) may not type into consoles';
    render(<ScreenView vm={vm} input={{ allowed: false, reason }} />);
    for (const name of ['Send keys ▾', 'Type text']) {
      const button = screen.getByRole('button', { name });
      expect(button.getAttribute('aria-disabled')).toBe('true');
      expect(button.getAttribute('title')).toBe(reason);
      fireEvent.click(button);
    }
    // Nothing opened: no list of keys, no Type text box.
    expect(screen.queryByRole('list', { name: 'Keys to send' })).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.getByTestId('view-only').textContent).toBe(`View only: ${reason}`);
    // Watching still has its tools.
    expect(screen.getByRole('radio', { name: '1:1' })).toBeTruthy();
  });

  it('denies Type text alone to someone who may type but not run input-send-event', () => {
    const reason = 'Your role (operator) may not run input-send-event';
    render(
      <ScreenView vm={vm} input={{ allowed: true, reason: null }} typeText={{ allowed: false, reason }} />,
    );
    // The keys menu itself (waiting for a connection), not a denied button.
    const keys = screen.getByText('Send keys ▾');
    expect(keys.tagName).toBe('SUMMARY');
    expect(keys.hasAttribute('title')).toBe(false);
    expect(screen.getByRole('button', { name: 'Type text' }).getAttribute('title')).toBe(reason);
    expect(screen.queryByTestId('view-only')).toBeNull();
  });

  it('has no second pop-out inside the pop-out window', () => {
    render(<ScreenView vm={vm} input={{ allowed: true, reason: null }} popout />);
    expect(screen.queryByRole('button', { name: 'Pop out' })).toBeNull();
  });
});
