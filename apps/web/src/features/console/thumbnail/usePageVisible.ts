/** Whether this tab is visible (the Page Visibility API): a hidden tab asks the bridge for nothing. */
import { useEffect, useState } from 'react';

const visibleNow = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(visibleNow);
  useEffect(() => {
    const update = () => setVisible(visibleNow());
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}
