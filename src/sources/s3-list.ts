/**
 * ListObjectsV2, page by page, each page retried on its own (a continuation token stays valid
 * across retries). `StartAfter` and `Delimiter` as FORMATS.md §4 describes.
 */
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { SourceError } from '../errors.js';
import { describeError, withRetries, type RetryPolicy } from './s3-retry.js';

export interface ListedKey {
  key: string;
  size?: number;
  lastModified?: Date;
  etag?: string;
}

export interface ListParams {
  bucket: string;
  prefix: string;
  startAfter?: string;
  delimiter?: string;
  maxKeys?: number;
}

export interface ListCounters {
  requests: number;
}

export async function* listPages(client: S3Client, p: ListParams, retry?: RetryPolicy, counters?: ListCounters): AsyncGenerator<ListObjectsV2CommandOutput> {
  let token: string | undefined;
  do {
    const input = {
      Bucket: p.bucket,
      Prefix: p.prefix,
      Delimiter: p.delimiter,
      MaxKeys: p.maxKeys,
      ...(token ? { ContinuationToken: token } : p.startAfter ? { StartAfter: p.startAfter } : {}),
    };
    let page: ListObjectsV2CommandOutput;
    try {
      page = await withRetries(`list s3://${p.bucket}/${p.prefix}`, () => client.send(new ListObjectsV2Command(input)), retry);
    } catch (err) {
      throw new SourceError(`cannot list s3://${p.bucket}/${p.prefix}: ${describeError(err)}`, 'check the bucket name, --region/--endpoint and s3:ListBucket permission (docs/iam-policy.json)');
    }
    if (counters) counters.requests++;
    yield page;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export async function* listKeys(client: S3Client, p: ListParams, retry?: RetryPolicy, counters?: ListCounters): AsyncGenerator<ListedKey> {
  for await (const page of listPages(client, p, retry, counters)) {
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      yield { key: o.Key, size: o.Size, lastModified: o.LastModified, etag: o.ETag };
    }
  }
}

/** The sub-"folders" directly under a prefix (one Delimiter listing, all pages). */
export async function listFolders(client: S3Client, bucket: string, prefix: string, retry?: RetryPolicy, counters?: ListCounters): Promise<string[]> {
  const out: string[] = [];
  for await (const page of listPages(client, { bucket, prefix, delimiter: '/' }, retry, counters)) {
    for (const cp of page.CommonPrefixes ?? []) if (cp.Prefix) out.push(cp.Prefix);
  }
  return out;
}

/**
 * Whether a key exists, by listing it (`Prefix = key`), not by HEAD/GET: without an unconditioned
 * s3:ListBucket, S3 answers a missing object with 403 instead of 404, and a least-privilege
 * policy grants ListBucket only for the prefixes trailhound uses (docs/iam-policy.json).
 */
export async function statKey(client: S3Client, bucket: string, key: string, retry?: RetryPolicy): Promise<ListedKey | undefined> {
  for await (const page of listPages(client, { bucket, prefix: key, maxKeys: 1 }, retry)) {
    const o = page.Contents?.[0];
    return o?.Key === key ? { key, size: o.Size, lastModified: o.LastModified, etag: o.ETag } : undefined;
  }
  return undefined;
}
