/**
 * Opens any object reference as a byte stream. S3 support is loaded only when used.
 */
import type { Readable } from 'node:stream';
import { openLocal } from './local.js';
import type { ObjectRef } from './types.js';

export async function openObject(ref: ObjectRef): Promise<Readable> {
  if (ref.kind === 's3') {
    const { openS3Object } = await import('./s3.js');
    return openS3Object(ref);
  }
  return openLocal(ref);
}
