/**
 * The CloudTrail fields the scanner captures (FORMATS.md §2.3–2.5), plus the keys that tell a
 * record from an envelope, a digest or an S3 Event Notification. Everything else is skipped.
 */
import { FieldSchema } from './json-fields.js';

export const CLOUDTRAIL_FIELDS = new FieldSchema({
  eventVersion: true,
  eventTime: true,
  eventSource: true,
  eventName: true,
  eventType: true,
  eventID: true,
  awsRegion: true,
  sourceIPAddress: true,
  userAgent: true,
  errorCode: true,
  requestID: true,
  readOnly: true,
  recipientAccountId: true,
  vpcEndpointId: true,
  userIdentity: {
    type: true,
    arn: true,
    accountId: true,
    principalId: true,
    userName: true,
    invokedBy: true,
    accessKeyId: true,
    sessionContext: { sessionIssuer: { type: true, arn: true } },
  },
  requestParameters: { bucketName: true, key: true },
  additionalEventData: {
    bytesTransferredOut: true,
    bytesTransferredIn: true,
    SignatureVersion: true,
    CipherSuite: true,
    AuthenticationMethod: true,
    'x-amz-id-2': true,
  },
  tlsDetails: { tlsVersion: true, cipherSuite: true },
  insightDetails: { eventSource: true, eventName: true },
  // Not CloudTrail: S3 Event Notifications carry an `s3` object with bucket and object.
  s3: { bucket: true, object: true },
  // Envelopes and non-events.
  Records: 'stream',
  detail: true,
  'detail-type': true,
  logEvents: true,
  messageType: true,
  digestStartTime: true,
  digestEndTime: true,
  digestS3Object: true,
});

const slot = (path: string): number => CLOUDTRAIL_FIELDS.slot(path);

/** Slot numbers, named after the JSON path they capture. */
export const F = Object.freeze({
  eventVersion: slot('eventVersion'),
  eventTime: slot('eventTime'),
  eventSource: slot('eventSource'),
  eventName: slot('eventName'),
  eventType: slot('eventType'),
  eventID: slot('eventID'),
  awsRegion: slot('awsRegion'),
  sourceIPAddress: slot('sourceIPAddress'),
  userAgent: slot('userAgent'),
  errorCode: slot('errorCode'),
  requestID: slot('requestID'),
  readOnly: slot('readOnly'),
  recipientAccountId: slot('recipientAccountId'),
  vpcEndpointId: slot('vpcEndpointId'),
  userIdentity: slot('userIdentity'),
  uiType: slot('userIdentity.type'),
  uiArn: slot('userIdentity.arn'),
  uiAccountId: slot('userIdentity.accountId'),
  uiPrincipalId: slot('userIdentity.principalId'),
  uiUserName: slot('userIdentity.userName'),
  uiInvokedBy: slot('userIdentity.invokedBy'),
  uiAccessKeyId: slot('userIdentity.accessKeyId'),
  issuerType: slot('userIdentity.sessionContext.sessionIssuer.type'),
  issuerArn: slot('userIdentity.sessionContext.sessionIssuer.arn'),
  requestParameters: slot('requestParameters'),
  bucketName: slot('requestParameters.bucketName'),
  key: slot('requestParameters.key'),
  additionalEventData: slot('additionalEventData'),
  bytesOut: slot('additionalEventData.bytesTransferredOut'),
  bytesIn: slot('additionalEventData.bytesTransferredIn'),
  signatureVersion: slot('additionalEventData.SignatureVersion'),
  aedCipherSuite: slot('additionalEventData.CipherSuite'),
  authenticationMethod: slot('additionalEventData.AuthenticationMethod'),
  hostId: slot('additionalEventData.x-amz-id-2'),
  tlsDetails: slot('tlsDetails'),
  tlsVersion: slot('tlsDetails.tlsVersion'),
  tlsCipherSuite: slot('tlsDetails.cipherSuite'),
  insightDetails: slot('insightDetails'),
  insightEventSource: slot('insightDetails.eventSource'),
  insightEventName: slot('insightDetails.eventName'),
  s3: slot('s3'),
  s3Bucket: slot('s3.bucket'),
  s3Object: slot('s3.object'),
  records: slot('Records'),
  detail: slot('detail'),
  detailType: slot('detail-type'),
  logEvents: slot('logEvents'),
  messageType: slot('messageType'),
  digestStartTime: slot('digestStartTime'),
  digestEndTime: slot('digestEndTime'),
  digestS3Object: slot('digestS3Object'),
});

/** Top-level keys that make an object look like a CloudTrail event (the near-empty `{"eventType":…}` counts). */
export const EVENT_KEYS: readonly number[] = [
  F.eventVersion,
  F.eventTime,
  F.eventSource,
  F.eventName,
  F.eventType,
  F.eventID,
  F.userIdentity,
  F.awsRegion,
  F.recipientAccountId,
  F.insightDetails,
  F.requestParameters,
  F.sourceIPAddress,
];

/**
 * Objects that between them take every path of the scanner (escapes in keys, wanted and skipped
 * strings, literals, numbers, arrays, nested holders, whitespace, a streamable array, errors).
 */
export const SCANNER_WARM_UP: readonly string[] = [
  '{"eventTime":"2024-01-01T00:00:00Z","e\\u0076":"a\\"b","eventName":"x\\\\y","other":"p\\"q","n":-1.5e3,"t":true,"f":false,"z":null,' +
    '"a":[1,{"b":"c\\"]"},[]],"o":{"k":"v\\\\","x":{"y":[true]}},"readOnly":true,"eventType":false,"errorCode":null,"awsRegion":7,' +
    '"userIdentity":{"type":"Root","sessionContext":{"sessionIssuer":{"arn":"a","type":{"x":1}},"attributes":{}},"arn":["x"]},' +
    '"requestParameters":{},"tlsDetails":{"tlsVersion":"v"},"additionalEventData":null,"resources":[{"ARN":"r"}]}',
  '{ "eventVersion" : "1.0" ,\n\t"userIdentity" : { "type" : "IAMUser" } , "requestParameters" : [ ] , "s3" : { } }',
  '{"Records":[{"eventName":"a"}]}',
  '{"eventName":"a",]',
];
