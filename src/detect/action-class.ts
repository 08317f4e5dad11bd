/**
 * Action classes: what kind of thing a request does, from its API name (CloudTrail eventName, or
 * the access-log operation mapped to it). A principal that only ever read and now changes bucket
 * policies has changed behaviour even if every call succeeds.
 *
 * - `permissions`: changes to who may do what or to the bucket's defences (Put/Delete *Policy,
 *   *Acl, *PublicAccessBlock, *Encryption, any Put/Delete Bucket* configuration, object lock,
 *   CloudTrail StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors);
 * - `list`: discovery (List*, Describe*, GetBucket*, HeadBucket, GetCallerIdentity …);
 * - `delete`: Delete* that is not `permissions` (objects, buckets);
 * - `write`: Put/Copy/Create/Upload/Post/Complete/Restore … that is not `permissions`;
 * - `read`: Get*, Head*, Select* that is not `list`.
 * Sign-in and credential calls (ConsoleLogin, AssumeRole*, GetSessionToken …) and S3's own
 * lifecycle operations (`S3.*`) have no class.
 */
export const ACTION_CLASSES = ['read', 'write', 'delete', 'permissions', 'list'] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];

const NO_CLASS = new Set([
  'ConsoleLogin',
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'GetSessionToken',
  'GetFederationToken',
  'GetRoleCredentials',
  'CheckMfa',
  'SwitchRole',
  'ExitRole',
  'RenewRole',
  'CredentialVerification',
  'CredentialChallenge',
  'UserAuthentication',
  'Federate',
  'Authenticate',
]);

const TRAIL_CONFIG = new Set(['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors', 'CreateTrail', 'StartLogging']);
const DISCOVERY = new Set(['GetCallerIdentity', 'GetAccountAuthorizationDetails', 'GetAccessKeyInfo']);

const CONFIG_SUFFIX = /(Policy|Policies|Acl|Acls|PublicAccessBlock|Encryption|OwnershipControls|ObjectLockConfiguration|AccelerateConfiguration|Retention|LegalHold)$/;
const WRITE_VERB = /^(Put|Delete|Create|Update|Set|Attach|Detach|Remove|Add|Replace|Modify)/;
const WRITE_VERBS = /^(Put|Post|Copy|Create|Upload|Complete|Abort|Restore|Update|Write|Modify|Set|Add|Attach|Detach|Replace|Tag|Untag|Enable|Disable|Start|Stop|Run|Invoke|Send|Import|Export|Associate|Disassociate|Register|Deregister|Reset|Change|Rotate|Cancel|Replicate|Submit|Batch)/;

function classifyRest(op: string): ActionClass | null {
  // An access-log operation the mapping table does not know: REST.<METHOD>.<resource>.
  const [family, method, resource = ''] = op.split('.');
  if (family === 'S3') return null;
  if (method === 'DELETE') return 'delete';
  if (method === 'PUT' || method === 'POST' || method === 'COPY') return 'write';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return resource.startsWith('BUCKET') ? 'list' : 'read';
  return null;
}

export function classifyAction(action: string): ActionClass | null {
  if (action === '' || NO_CLASS.has(action)) return null;
  if (action.includes('.')) return classifyRest(action);
  if (TRAIL_CONFIG.has(action)) return 'permissions';
  if (DISCOVERY.has(action)) return 'list';
  const bucketConfig = /^(Put|Delete)Bucket./.test(action);
  if (bucketConfig || (WRITE_VERB.test(action) && CONFIG_SUFFIX.test(action))) return 'permissions';
  if (/^(List|Describe)/.test(action) || /^(Get|Head)Bucket/.test(action) || action === 'GetAccelerateConfiguration' || action === 'GetPublicAccessBlock') return 'list';
  if (/^(Delete|Remove|Terminate|Purge)/.test(action)) return 'delete';
  if (/^(Get|Head|Select|Lookup|Search|Query|Scan|Download|Read)/.test(action)) return 'read';
  if (WRITE_VERBS.test(action)) return 'write';
  return null;
}
