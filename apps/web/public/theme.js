// Applied before the first paint so a dark-mode user never sees a white flash. A file of its own, not an inline
// script: the bridge's Content-Security-Policy allows no inline script.
try {
  const saved = localStorage.getItem('qmpdeck-theme');
  const dark = saved ? saved === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.classList.toggle('dark', dark);
} catch {}
