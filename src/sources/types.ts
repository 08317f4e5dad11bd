/**
 * A source lists log objects; each object can be opened as a byte stream.
 * Object references are plain data so that worker threads can open them themselves.
 */
import type { Readable } from 'node:stream';

export type ObjectRef =
  | { kind: 'file'; path: string }
  | { kind: 'stdin' }
  | { kind: 's3'; bucket: string; key: string; client: S3ClientSettings };

export interface S3ClientSettings {
  region?: string;
  profile?: string;
  endpoint?: string;
}

export interface LogObject {
  /** Stable identifier written to `origin_uri` (path, `s3://bucket/key`, or `-`). */
  uri: string;
  /** Stored (possibly compressed) size in bytes, when known. */
  size?: number;
  lastModified?: Date;
  ref: ObjectRef;
}

export interface Source {
  /** A short description for logs (`./logs`, `s3://bucket/prefix`). */
  readonly description: string;
  list(): AsyncIterable<LogObject>;
}

export type OpenObject = (ref: ObjectRef) => Promise<Readable>;
