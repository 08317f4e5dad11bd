/**
 * `--state DIR` or `--state s3://bucket/prefix/`: the store for a state location.
 */
import type { S3ClientSettings } from '../sources/types.js';
import { LocalStateStore } from './local-store.js';
import type { StateStore } from './types.js';

export async function openStateStore(location: string, s3: S3ClientSettings = {}): Promise<StateStore> {
  if (location.startsWith('s3://')) {
    const { S3StateStore } = await import('./s3-store.js');
    return new S3StateStore(location, s3);
  }
  return new LocalStateStore(location);
}
