/**
 * Light/dark: follows the system until the person picks one; the choice is
 * remembered. index.html applies it before the first paint.
 */
import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark' | 'system';
const KEY = 'qmpdeck-theme';

function systemDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

function readTheme(): Theme {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

function apply(theme: Theme): void {
  const dark = theme === 'dark' || (theme === 'system' && systemDark());
  document.documentElement.classList.toggle('dark', dark);
}

/**
 * The next theme of the cycle. The first click always changes what is seen (to the opposite of the
 * system's), then the system's own look chosen explicitly, then back to following the system.
 */
export function nextTheme(theme: Theme, systemIsDark: boolean): Theme {
  const opposite: Theme = systemIsDark ? 'light' : 'dark';
  if (theme === 'system') return opposite;
  if (theme === opposite) return systemIsDark ? 'dark' : 'light';
  return 'system';
}
const LABEL: Record<Theme, string> = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(readTheme);
  useEffect(() => {
    apply(theme);
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
    if (theme !== 'system' || typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    const follow = () => apply('system');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [theme]);
  return (
    <button
      type="button"
      onClick={() => setTheme(nextTheme(theme, systemDark()))}
      className="rounded-md px-2 py-1 text-xs text-zinc-600 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-100 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
      title="Switch between system, dark and light"
    >
      {LABEL[theme]}
    </button>
  );
}
