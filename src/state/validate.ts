/**
 * A corrupt or newer state is a clear error with a hint, never a silent reset.
 */
import { StateError } from '../errors.js';
import { STATE_FORMAT, STATE_VERSION, type StateDoc } from './types.js';

const RESET_HINT = 'move the state aside (or pass --state to a new location) to start over; baselines will be relearned';

export function parseStateDoc(text: string, where: string): StateDoc {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StateError(`state ${where} is corrupt (not JSON: ${(err as Error).message})`, RESET_HINT);
  }
  const d = doc as Partial<StateDoc> | null;
  if (!d || typeof d !== 'object' || d.format !== STATE_FORMAT || typeof d.version !== 'number') {
    throw new StateError(`state ${where} is not a trailhound state file`, RESET_HINT);
  }
  if (d.version > STATE_VERSION) {
    throw new StateError(
      `state ${where} has version ${d.version}, newer than this trailhound understands (${STATE_VERSION})`,
      'upgrade trailhound, or point --state elsewhere',
    );
  }
  if (typeof d.objects !== 'object' || d.objects === null || typeof d.detectors !== 'object' || d.detectors === null) {
    throw new StateError(`state ${where} is corrupt (missing objects or detectors)`, RESET_HINT);
  }
  for (const field of ['checkpoints', 'outputs'] as const) {
    const v = d[field];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw new StateError(`state ${where} is corrupt (${field} is not an object)`, RESET_HINT);
  }
  for (const [id, cp] of Object.entries(d.checkpoints ?? {})) {
    if (!cp || typeof cp !== 'object' || !Array.isArray(cp.seen) || (cp.last !== undefined && typeof cp.last !== 'string')) {
      throw new StateError(`state ${where} is corrupt (checkpoint of ${id})`, RESET_HINT);
    }
  }
  return d as StateDoc;
}
