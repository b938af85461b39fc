/** Sets the document title while a page is shown, so tabs and history read well. */
import { useEffect } from 'react';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · QMP Deck` : 'QMP Deck';
  }, [title]);
}
