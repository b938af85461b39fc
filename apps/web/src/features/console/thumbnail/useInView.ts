/**
 * Whether an element is on screen (IntersectionObserver), so rows scrolled away ask the bridge for nothing.
 * Takes the element itself (from a callback ref), so it starts watching whenever the element appears.
 * Without IntersectionObserver (old browsers, test DOMs) everything counts as on screen.
 */
import { useEffect, useState } from 'react';

export function useInView(element: Element | null): boolean {
  const [inView, setInView] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) setInView(entry.isIntersecting);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return inView;
}
