/**
 * The screen's toolbar by what the person may do, with noVNC not loaded (the e2e specs drive the real one):
 * someone who may type gets the keys menu and Type text; someone who may not gets neither, and the reason.
 */
import { cleanup, render, screen } from '@testing-library/react';
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
    expect(screen.queryByText('Send keys ▾')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Type text' })).toBeNull();
    expect(screen.getByTestId('view-only').textContent).toBe(`View only: ${reason}`);
    // Watching still has its tools.
    expect(screen.getByRole('radio', { name: '1:1' })).toBeTruthy();
  });

  it('has no second pop-out inside the pop-out window', () => {
    render(<ScreenView vm={vm} input={{ allowed: true, reason: null }} popout />);
    expect(screen.queryByRole('button', { name: 'Pop out' })).toBeNull();
  });
});
