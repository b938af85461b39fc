/**
 * A refusal from the bridge as the form shows it: a `BadRequest` names its fields in its desc, `VmExists` is
 * about the id, `VmRunning` about what needs the VM stopped; anything else is said as it came.
 */
import type { RequestError } from '../../api/request-error.ts';
import { type FieldErrors, fieldErrorsFromDesc } from './field-errors.ts';

export function formErrorsOf(error: RequestError): FieldErrors {
  if (error.class === 'BadRequest' || error.class === 'InvalidJson') return fieldErrorsFromDesc(error.desc);
  if (error.class === 'VmExists') return { fields: { id: error.desc }, general: [] };
  return { fields: {}, general: [`${error.class}: ${error.desc}`] };
}
