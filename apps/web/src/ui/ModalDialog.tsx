/**
 * The modal frame every dialog of the app is drawn in: the native <dialog> gives role dialog, focus kept inside,
 * Escape (which asks `onCancel`) and focus returned to the opener; the title names it. Dialog and ConfirmDialog fill it.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';

export interface ModalDialogProps {
  open: boolean;
  title: string;
  onCancel(): void;
  /** Tailwind width, e.g. `w-[min(28rem,calc(100vw-2rem))]`. */
  width: string;
  children: ReactNode;
}

export function ModalDialog({ open, title, onCancel, width, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      className={`m-auto ${width} rounded-lg bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:bg-zinc-900 dark:text-zinc-100`}
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
