/**
 * S3 server access log operations (`REST.GET.OBJECT`, `S3.EXPIRE.OBJECT` …) → the API action name
 * CloudTrail uses for the same request (its `eventName`), so detectors match both sources, plus
 * whether the request only reads.
 */

export interface OperationInfo {
  /** CloudTrail eventName vocabulary; the raw operation itself when it is not in the table. */
  readonly action: string;
  /** The action when the request names no key (REST.GET.ACL is GetBucketAcl on a bucket, GetObjectAcl on a key). */
  readonly bucketAction: string;
  /** null when neither the table nor the HTTP method says. */
  readonly readOnly: boolean | null;
  /** `S3.*`: performed by S3 itself (lifecycle, batch jobs), whatever the Requester field says. */
  readonly internal: boolean;
}

const READ = true;
const WRITE = false;

/** operation → [action on a key, read-only, action without a key (defaults to the first)] */
const OPERATIONS: Readonly<Record<string, readonly [string, boolean, string?]>> = {
  // objects
  'REST.GET.OBJECT': ['GetObject', READ],
  'REST.HEAD.OBJECT': ['HeadObject', READ],
  'WEBSITE.GET.OBJECT': ['GetObject', READ],
  'WEBSITE.HEAD.OBJECT': ['HeadObject', READ],
  'REST.PUT.OBJECT': ['PutObject', WRITE],
  'REST.POST.OBJECT': ['PostObject', WRITE],
  'REST.DELETE.OBJECT': ['DeleteObject', WRITE],
  'REST.POST.MULTI_OBJECT_DELETE': ['DeleteObjects', WRITE],
  'BATCH.DELETE.OBJECT': ['DeleteObjects', WRITE],
  // A copy is logged twice; the _GET record describes the source object, but the request still writes.
  'REST.COPY.OBJECT': ['CopyObject', WRITE],
  'REST.COPY.OBJECT_GET': ['CopyObject', WRITE],
  'REST.COPY.PART': ['UploadPartCopy', WRITE],
  'REST.COPY.PART_GET': ['UploadPartCopy', WRITE],
  'REST.POST.RESTORE': ['RestoreObject', WRITE],
  'REST.GET.OBJECT_ATTRIBUTES': ['GetObjectAttributes', READ],
  'REST.GET.TORRENT': ['GetObjectTorrent', READ],
  'REST.GET.ACL': ['GetObjectAcl', READ, 'GetBucketAcl'],
  'REST.PUT.ACL': ['PutObjectAcl', WRITE, 'PutBucketAcl'],
  'REST.GET.OBJECT_TAGGING': ['GetObjectTagging', READ],
  'REST.PUT.OBJECT_TAGGING': ['PutObjectTagging', WRITE],
  'REST.DELETE.OBJECT_TAGGING': ['DeleteObjectTagging', WRITE],
  'REST.GET.RETENTION': ['GetObjectRetention', READ],
  'REST.PUT.RETENTION': ['PutObjectRetention', WRITE],
  'REST.GET.LEGAL_HOLD': ['GetObjectLegalHold', READ],
  'REST.PUT.LEGAL_HOLD': ['PutObjectLegalHold', WRITE],
  // multipart uploads
  'REST.POST.UPLOADS': ['CreateMultipartUpload', WRITE],
  'REST.PUT.PART': ['UploadPart', WRITE],
  'REST.POST.UPLOAD': ['CompleteMultipartUpload', WRITE],
  'REST.DELETE.UPLOAD': ['AbortMultipartUpload', WRITE],
  'REST.GET.UPLOADS': ['ListMultipartUploads', READ],
  'REST.GET.UPLOAD': ['ListParts', READ],
  // listings and buckets
  'REST.GET.SERVICE': ['ListBuckets', READ],
  'REST.GET.BUCKET': ['ListObjects', READ],
  'REST.GET.BUCKETVERSIONS': ['ListObjectVersions', READ],
  'REST.HEAD.BUCKET': ['HeadBucket', READ],
  'REST.PUT.BUCKET': ['CreateBucket', WRITE],
  'REST.DELETE.BUCKET': ['DeleteBucket', WRITE],
  'REST.GET.LOCATION': ['GetBucketLocation', READ],
  // bucket configuration
  'REST.GET.BUCKETPOLICY': ['GetBucketPolicy', READ],
  'REST.PUT.BUCKETPOLICY': ['PutBucketPolicy', WRITE],
  'REST.DELETE.BUCKETPOLICY': ['DeleteBucketPolicy', WRITE],
  'REST.GET.POLICY_STATUS': ['GetBucketPolicyStatus', READ],
  'REST.GET.PUBLIC_ACCESS_BLOCK': ['GetBucketPublicAccessBlock', READ],
  'REST.PUT.PUBLIC_ACCESS_BLOCK': ['PutBucketPublicAccessBlock', WRITE],
  'REST.DELETE.PUBLIC_ACCESS_BLOCK': ['DeleteBucketPublicAccessBlock', WRITE],
  'REST.GET.OWNERSHIP_CONTROLS': ['GetBucketOwnershipControls', READ],
  'REST.PUT.OWNERSHIP_CONTROLS': ['PutBucketOwnershipControls', WRITE],
  'REST.DELETE.OWNERSHIP_CONTROLS': ['DeleteBucketOwnershipControls', WRITE],
  'REST.GET.VERSIONING': ['GetBucketVersioning', READ],
  'REST.PUT.VERSIONING': ['PutBucketVersioning', WRITE],
  'REST.GET.LOGGING_STATUS': ['GetBucketLogging', READ],
  'REST.PUT.LOGGING_STATUS': ['PutBucketLogging', WRITE],
  'REST.GET.ENCRYPTION': ['GetBucketEncryption', READ],
  'REST.PUT.ENCRYPTION': ['PutBucketEncryption', WRITE],
  'REST.DELETE.ENCRYPTION': ['DeleteBucketEncryption', WRITE],
  'REST.GET.LIFECYCLE': ['GetBucketLifecycle', READ],
  'REST.PUT.LIFECYCLE': ['PutBucketLifecycle', WRITE],
  'REST.DELETE.LIFECYCLE': ['DeleteBucketLifecycle', WRITE],
  'REST.GET.TAGGING': ['GetBucketTagging', READ],
  'REST.PUT.TAGGING': ['PutBucketTagging', WRITE],
  'REST.DELETE.TAGGING': ['DeleteBucketTagging', WRITE],
  'REST.GET.CORS': ['GetBucketCors', READ],
  'REST.PUT.CORS': ['PutBucketCors', WRITE],
  'REST.DELETE.CORS': ['DeleteBucketCors', WRITE],
  'REST.GET.WEBSITE': ['GetBucketWebsite', READ],
  'REST.PUT.WEBSITE': ['PutBucketWebsite', WRITE],
  'REST.DELETE.WEBSITE': ['DeleteBucketWebsite', WRITE],
  'REST.GET.NOTIFICATION': ['GetBucketNotification', READ],
  'REST.PUT.NOTIFICATION': ['PutBucketNotification', WRITE],
  'REST.GET.REPLICATION': ['GetBucketReplication', READ],
  'REST.PUT.REPLICATION': ['PutBucketReplication', WRITE],
  'REST.DELETE.REPLICATION': ['DeleteBucketReplication', WRITE],
  'REST.GET.REQUEST_PAYMENT': ['GetBucketRequestPayment', READ],
  'REST.PUT.REQUEST_PAYMENT': ['PutBucketRequestPayment', WRITE],
  'REST.GET.ACCELERATE': ['GetAccelerateConfiguration', READ],
  'REST.PUT.ACCELERATE': ['PutAccelerateConfiguration', WRITE],
  'REST.GET.OBJECT_LOCK_CONFIGURATION': ['GetBucketObjectLockConfiguration', READ],
  'REST.PUT.OBJECT_LOCK_CONFIGURATION': ['PutBucketObjectLockConfiguration', WRITE],
  'REST.GET.ANALYTICS': ['GetBucketAnalyticsConfiguration', READ],
  'REST.PUT.ANALYTICS': ['PutBucketAnalyticsConfiguration', WRITE],
  'REST.DELETE.ANALYTICS': ['DeleteBucketAnalyticsConfiguration', WRITE],
  'REST.GET.INVENTORY': ['GetBucketInventoryConfiguration', READ],
  'REST.PUT.INVENTORY': ['PutBucketInventoryConfiguration', WRITE],
  'REST.DELETE.INVENTORY': ['DeleteBucketInventoryConfiguration', WRITE],
  'REST.GET.METRICS': ['GetBucketMetricsConfiguration', READ],
  'REST.PUT.METRICS': ['PutBucketMetricsConfiguration', WRITE],
  'REST.DELETE.METRICS': ['DeleteBucketMetricsConfiguration', WRITE],
  'REST.GET.INTELLIGENT_TIERING': ['GetBucketIntelligentTieringConfiguration', READ],
  'REST.PUT.INTELLIGENT_TIERING': ['PutBucketIntelligentTieringConfiguration', WRITE],
  'REST.DELETE.INTELLIGENT_TIERING': ['DeleteBucketIntelligentTieringConfiguration', WRITE],
  // S3 itself: lifecycle rules and batch jobs (no CloudTrail API call, so the operation stays the action)
  'S3.EXPIRE.OBJECT': ['S3.EXPIRE.OBJECT', WRITE],
  'S3.CREATE.DELETEMARKER': ['S3.CREATE.DELETEMARKER', WRITE],
  'S3.DELETE.UPLOAD': ['S3.DELETE.UPLOAD', WRITE],
  'S3.TRANSITION.OBJECT': ['S3.TRANSITION.OBJECT', WRITE],
  'S3.TRANSITION_SIA.OBJECT': ['S3.TRANSITION_SIA.OBJECT', WRITE],
  'S3.TRANSITION_ZIA.OBJECT': ['S3.TRANSITION_ZIA.OBJECT', WRITE],
  'S3.TRANSITION_INT.OBJECT': ['S3.TRANSITION_INT.OBJECT', WRITE],
  'S3.TRANSITION_GIR.OBJECT': ['S3.TRANSITION_GIR.OBJECT', WRITE],
  'S3.TRANSITION_GDA.OBJECT': ['S3.TRANSITION_GDA.OBJECT', WRITE],
  'S3.COMPUTE.OBJECT.CHECKSUM': ['S3.COMPUTE.OBJECT.CHECKSUM', READ],
};

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE', 'COPY']);

/** Read-only by the HTTP method inside `REST.<METHOD>.<resource>` / `WEBSITE.<METHOD>.…`. */
function readOnlyByMethod(operation: string): boolean | null {
  const first = operation.indexOf('.');
  const second = operation.indexOf('.', first + 1);
  if (first < 0 || second < 0) return null;
  const family = operation.slice(0, first);
  if (family === 'S3' || family === 'BATCH') return false;
  if (family !== 'REST' && family !== 'WEBSITE') return null;
  const method = operation.slice(first + 1, second);
  if (READ_METHODS.has(method)) return true;
  if (WRITE_METHODS.has(method)) return false;
  return null;
}

export function describeOperation(operation: string): OperationInfo {
  const internal = operation.startsWith('S3.');
  const known = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
  if (known) {
    const [action, readOnly, bucketAction] = known;
    return { action, bucketAction: bucketAction ?? action, readOnly, internal };
  }
  return { action: operation, bucketAction: operation, readOnly: readOnlyByMethod(operation), internal };
}

/** Every operation the table names (for tests and docs). */
export const KNOWN_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);
