/** The theme toggle's first click always changes what is seen, whichever way the system leans. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTheme, ThemeToggle } from './ThemeToggle.tsx';

function systemPrefersDark(dark: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: dark && query.includes('dark'),
    media: query,
    addEventListener() {},
    removeEventListener() {},
  }));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
  document.documentElement.classList.remove('dark');
});

describe('ThemeToggle', () => {
  it('under a dark system, goes to light first, then dark, then back to the system', () => {
    systemPrefersDark(true);
    render(<ThemeToggle />);
    const html = document.documentElement;
    expect(html.classList.contains('dark')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Theme: system' }));
    expect(html.classList.contains('dark')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Theme: light' }));
    expect(html.classList.contains('dark')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Theme: dark' }));
    expect(screen.getByRole('button', { name: 'Theme: system' })).toBeTruthy();
  });

  it('under a light system, goes to dark first', () => {
    systemPrefersDark(false);
    render(<ThemeToggle />);
    fireEvent.click(screen.getByRole('button', { name: 'Theme: system' }));
    expect(document.documentElement.classList.contains('dark')).toBe(true);
    expect(nextTheme('dark', false)).toBe('light');
    expect(nextTheme('light', false)).toBe('system');
  });
});
