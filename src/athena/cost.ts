/**
 * Athena's price for a query (FORMATS.md §3.4): $5 per TB scanned (TB = 10^12 bytes), each query
 * rounded up to whole megabytes with a 10 MB minimum. DDL and failed queries are free; a cancelled
 * query is billed for what it scanned; a query answered from reused results scans nothing.
 */

export const USD_PER_TB = 5;
const BYTES_PER_MB = 1_000_000;
const MB_PER_TB = 1_000_000;
const MINIMUM_MB = 10;

export interface CostInput {
  dataScannedBytes: number;
  state: string;
  statementType?: string;
  reusedResult?: boolean;
}

export interface CostEstimate {
  /** Bytes Athena bills (rounded up to whole MB, 10 MB minimum), 0 when free. */
  billedBytes: number;
  usd: number;
}

export function isBilled(q: CostInput): boolean {
  if (q.state === 'FAILED') return false;
  if (q.statementType === 'DDL' || q.statementType === 'UTILITY') return false;
  if (q.reusedResult) return false;
  return q.state === 'SUCCEEDED' || q.state === 'CANCELLED';
}

export function estimateCost(q: CostInput): CostEstimate {
  if (!isBilled(q)) return { billedBytes: 0, usd: 0 };
  const mb = Math.max(MINIMUM_MB, Math.ceil(Math.max(0, q.dataScannedBytes) / BYTES_PER_MB));
  return { billedBytes: mb * BYTES_PER_MB, usd: (mb * USD_PER_TB) / MB_PER_TB };
}

/** `$0.000050` style: enough digits that the 10 MB minimum does not print as $0.00. */
export function formatUsd(usd: number): string {
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(6)}`;
}
