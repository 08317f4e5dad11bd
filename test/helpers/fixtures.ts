/** Where the shared real-world fixtures live (never copied into this repository). */
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/real/', import.meta.url));
export const CLOUDTRAIL_FIXTURES = `${FIXTURES}cloudtrail/`;
export const S3ACCESS_FIXTURES = `${FIXTURES}s3access/`;
