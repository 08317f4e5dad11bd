/**
 * Renders an ApiCall as a CloudTrail record with the field order and shapes real trails
 * deliver (FORMATS.md §2.3–2.5): userIdentity per identity type, bracketed S3 user agents,
 * S3 additionalEventData, tlsDetails.
 */
import type { ApiCall } from './api-call.js';
import { isoSeconds } from './clock.js';
import { iamArn, principalAccount } from './org.js';

const EVENT_VERSIONS: Record<string, string> = {
  's3.amazonaws.com': '1.10',
  'sts.amazonaws.com': '1.08',
  'signin.amazonaws.com': '1.09',
  'ec2.amazonaws.com': '1.10',
};

/**
 * @param recipient the account whose trail receives this copy: the resource owner (default) or,
 *   for a cross-account S3 data event, the caller's own account.
 */
export function toCloudTrailRecord(call: ApiCall, recipient: string = call.recipientAccountId): Record<string, unknown> {
  const { caller } = call;
  const ownerCopy = recipient === call.recipientAccountId;
  const invokedBy = caller.actor.invokedBy;
  const isS3 = call.eventSource === 's3.amazonaws.com';
  const record: Record<string, unknown> = {
    eventVersion: EVENT_VERSIONS[call.eventSource] ?? '1.09',
    userIdentity: userIdentity(call, recipient),
    eventTime: isoSeconds(call.time + (call.s3?.totalTimeMs ?? 0)),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: call.region,
    sourceIPAddress: invokedBy ?? caller.sourceIp,
    userAgent: invokedBy ?? (isS3 ? `[${caller.userAgent}]` : caller.userAgent),
  };
  if (call.errorCode !== null) {
    record.errorCode = call.errorCode;
    record.errorMessage = call.errorMessage;
  }
  record.requestParameters = call.requestParameters;
  record.responseElements = call.responseElements;
  const extra = isS3 ? s3AdditionalEventData(call) : call.additionalEventData;
  if (extra !== null) record.additionalEventData = extra;
  if (call.requestId !== null) record.requestID = call.requestId;
  record.eventID = ownerCopy ? call.eventId : call.requesterEventId;
  record.readOnly = call.readOnly;
  if (call.resources !== null) record.resources = call.resources;
  record.eventType = call.eventType;
  record.managementEvent = call.eventCategory === 'Management';
  record.recipientAccountId = recipient;
  if (call.sharedEventId !== null) record.sharedEventID = call.sharedEventId;
  record.eventCategory = call.eventCategory;
  const tls = caller.transport;
  if (tls.tlsVersion !== null && invokedBy === undefined) {
    record.tlsDetails = {
      tlsVersion: tls.tlsVersion,
      cipherSuite: tls.cipherSuite,
      clientProvidedHostHeader: call.endpoint,
    };
  }
  if (caller.session?.fromConsole && call.eventType !== 'AwsConsoleSignIn') record.sessionCredentialFromConsole = 'true';
  return record;
}

function userIdentity(call: ApiCall, recipient: string): Record<string, unknown> {
  const { actor, session } = call.caller;
  const p = actor.principal;
  const account = principalAccount(p);
  // The bucket owner's copy of a cross-account request names only the caller's account.
  if (account !== null && account.id !== recipient) {
    const principalId = p.kind === 'role' ? `${p.roleId}:${session?.name ?? ''}` : p.kind === 'user' ? p.userId : account.id;
    return { type: 'AWSAccount', principalId, accountId: account.id };
  }
  switch (p.kind) {
    case 'anonymous':
      return { type: 'AWSAccount', principalId: '', accountId: 'anonymous' };
    case 'service':
      return { type: 'AWSService', invokedBy: p.service };
    case 'user':
      return {
        type: 'IAMUser',
        principalId: p.userId,
        arn: iamArn(p),
        accountId: p.account.id,
        accessKeyId: p.accessKeyId,
        userName: p.name,
      };
    case 'root': {
      const root: Record<string, unknown> = {
        type: 'Root',
        principalId: p.account.id,
        arn: iamArn(p),
        accountId: p.account.id,
        accessKeyId: call.eventName === 'ConsoleLogin' ? '' : session?.accessKeyId ?? '',
      };
      if (session && call.eventName !== 'ConsoleLogin') root.sessionContext = { attributes: sessionAttributes(call) };
      return root;
    }
    case 'role': {
      const sessionName = session?.name ?? 'session';
      const context: Record<string, unknown> = {
        sessionIssuer: { type: 'Role', principalId: p.roleId, arn: iamArn(p), accountId: p.account.id, userName: p.name },
        webIdFederationData: {},
        attributes: sessionAttributes(call),
      };
      if (sessionName.startsWith('i-')) context.ec2RoleDelivery = '2.0';
      const identity: Record<string, unknown> = {
        type: 'AssumedRole',
        principalId: `${p.roleId}:${sessionName}`,
        arn: `arn:aws:sts::${p.account.id}:assumed-role/${p.name}/${sessionName}`,
        accountId: p.account.id,
        accessKeyId: session?.accessKeyId ?? '',
        sessionContext: context,
      };
      if (actor.invokedBy) identity.invokedBy = actor.invokedBy;
      return identity;
    }
  }
}

function sessionAttributes(call: ApiCall): Record<string, string> {
  const s = call.caller.session;
  return {
    creationDate: isoSeconds(s?.createdAt ?? call.time),
    mfaAuthenticated: s?.mfaAuthenticated ? 'true' : 'false',
  };
}

function s3AdditionalEventData(call: ApiCall): Record<string, unknown> | null {
  const s3 = call.s3;
  if (s3 === null) return null;
  const t = call.caller.transport;
  const out: Record<string, unknown> = {};
  if (t.signatureVersion !== null) out.SignatureVersion = t.signatureVersion;
  if (t.cipherSuite !== null) out.CipherSuite = t.cipherSuite;
  out.bytesTransferredIn = s3.bytesReceived;
  if (t.authType !== null) out.AuthenticationMethod = t.authType;
  out['x-amz-id-2'] = s3.hostId;
  out.bytesTransferredOut = s3.bytesSent;
  return out;
}
