/**
 * A modal dialog that holds a small form or a job's progress (ConfirmDialog is the one-question kind); the caller
 * draws its own buttons. Its content exists only while it is open, so a form inside starts afresh each time.
 */
import type { ReactNode } from 'react';
import { ModalDialog } from './ModalDialog.tsx';

export interface DialogProps {
  open: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
}

export function Dialog({ open, title, onClose, children }: DialogProps) {
  return (
    <ModalDialog open={open} title={title} onCancel={onClose} width="w-[min(32rem,calc(100vw-2rem))]">
      {open && <div className="mt-3 flex flex-col gap-3 text-sm">{children}</div>}
    </ModalDialog>
  );
}
