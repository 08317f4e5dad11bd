/**
 * S3 sources: `s3://bucket/prefix` listed with ListObjectsV2 (paginated) and opened as streams.
 * Uses the AWS SDK default credential chain; `--region`, `--profile`, `--endpoint` override it.
 */
import { GetObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { SourceError } from '../errors.js';
import type { LogObject, ObjectRef, S3ClientSettings, Source } from './types.js';

const clients = new Map<string, S3Client>();

export function s3Client(settings: S3ClientSettings): S3Client {
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (!client) {
    client = new S3Client({
      region: settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.endpoint
        ? { endpoint: settings.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
        : {}),
    });
    clients.set(key, client);
  }
  return client;
}

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new SourceError(`not an s3:// URI: ${uri}`);
  return { bucket: m[1], prefix: m[2] };
}

export class S3Source implements Source {
  constructor(
    readonly description: string,
    private readonly settings: S3ClientSettings,
  ) {}

  async *list(): AsyncGenerator<LogObject> {
    const { bucket, prefix } = parseS3Uri(this.description);
    const client = s3Client(this.settings);
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const o of page.Contents ?? []) {
          if (!o.Key || o.Key.endsWith('/')) continue;
          yield {
            uri: `s3://${bucket}/${o.Key}`,
            size: o.Size,
            lastModified: o.LastModified,
            ref: { kind: 's3', bucket, key: o.Key, client: this.settings },
          };
        }
      }
    } catch (err) {
      throw new SourceError(`cannot list ${this.description}: ${(err as Error).message}`);
    }
  }
}

export async function openS3Object(ref: Extract<ObjectRef, { kind: 's3' }>): Promise<Readable> {
  const res = await s3Client(ref.client).send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
  return res.Body as Readable;
}
