/**
 * Detector test cases are data: log objects in, findings expected out.
 */
import type { Finding } from '../../src/detect/finding.js';
import type { Tunables } from '../../src/detect/detector.js';
import type { Json } from './events.js';

export interface CaseObject {
  uri?: string;
  /** CloudTrail records, written as a delivered `{"Records":[…]}` file. */
  cloudtrail?: Json[];
  /** S3 server access log lines. */
  s3access?: string[];
}

export type ExpectedFinding = Partial<Pick<Finding, 'kind' | 'severity'>> & {
  subject?: Finding['subject'];
  observed?: Finding['observed'];
  /** Substring the summary must contain. */
  summaryContains?: string;
};

export interface DetectorCase {
  name: string;
  objects: CaseObject[];
  tunables?: Tunables;
  /** Every expected finding must match exactly one actual finding, and the counts must be equal. */
  expect: ExpectedFinding[];
}
