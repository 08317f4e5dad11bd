/**
 * AWS clients for the Athena commands: the default credential chain, with `--region` and
 * `--profile` overriding it, like the S3 sources.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../sources/s3.js';

export interface AwsSettings {
  region?: string;
  profile?: string;
}

export function defaultRegion(settings: AwsSettings): string {
  return settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

export function athenaClient(settings: AwsSettings): AthenaClient {
  return new AthenaClient({ region: defaultRegion(settings), ...(settings.profile ? { profile: settings.profile } : {}) });
}

/** The S3 client that reads result objects (shared with the S3 sources' client cache). */
export function resultsS3Client(settings: AwsSettings): S3Client {
  return s3Client({ region: defaultRegion(settings), profile: settings.profile });
}
