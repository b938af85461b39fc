/** What every part of the definition form gets: the draft, a way to change it, its errors and its locks. */
import type { DefinitionDraft } from './definition-draft.ts';
import type { FieldErrors } from './field-errors.ts';
import type { LockReason } from './live-fields.ts';

export interface FormPartProps {
  draft: DefinitionDraft;
  change(update: (draft: DefinitionDraft) => DefinitionDraft): void;
  errors: FieldErrors;
  locked: LockReason;
  /** The VM being edited; null while creating one. */
  vmId: string | null;
}
