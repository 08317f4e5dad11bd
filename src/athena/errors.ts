/**
 * An Athena query that ended FAILED or CANCELLED, with what Athena said about it. It is a
 * QueryError, so the CLI entry point maps it like any other query failure.
 */
import { QueryError } from '../errors.js';

/** AthenaError.ErrorCategory (FORMATS.md §3.4). */
export const ERROR_CATEGORY: Readonly<Record<number, string>> = { 1: 'SYSTEM', 2: 'USER', 3: 'OTHER' };

export interface AthenaFailure {
  queryExecutionId: string;
  state: string;
  stateChangeReason?: string;
  errorCategory?: number;
  errorType?: number;
  retryable?: boolean;
  /** The cancellation came from our AbortSignal (Ctrl-C) or the timeout, not from someone else. */
  cancelledByUs?: 'signal' | 'timeout';
}

function describe(f: AthenaFailure): string {
  const who = f.cancelledByUs === 'signal' ? ' (cancelled on request)' : f.cancelledByUs === 'timeout' ? ' (timed out)' : '';
  const what =
    f.state === 'CANCELLED' ? 'was cancelled' : f.state === 'FAILED' ? 'failed' : `ended ${f.state} while being stopped, and was abandoned`;
  const category = f.errorCategory === undefined ? '' : ` [${ERROR_CATEGORY[f.errorCategory] ?? f.errorCategory} error`;
  const type = f.errorType === undefined ? '' : `${category ? ',' : ' ['} type ${f.errorType}`;
  const close = category || type ? ']' : '';
  return `Athena query ${f.queryExecutionId} ${what}${who}${f.stateChangeReason ? `: ${f.stateChangeReason}` : ''}${category}${type}${close}`;
}

function hintFor(f: AthenaFailure): string | undefined {
  if (f.errorType === 1006) return 'the number of ExecutionParameters does not match the ? placeholders of the query';
  if (f.errorCategory === 2) return 'the query or its tables need fixing (a USER error); see the reason above';
  if (f.retryable) return 'Athena marks this failure as retryable: running the command again may succeed';
  return undefined;
}

export class AthenaQueryError extends QueryError {
  readonly failure: AthenaFailure;

  constructor(failure: AthenaFailure) {
    super(describe(failure), hintFor(failure));
    this.failure = failure;
  }

  get queryExecutionId(): string {
    return this.failure.queryExecutionId;
  }

  get state(): string {
    return this.failure.state;
  }

  get stateChangeReason(): string | undefined {
    return this.failure.stateChangeReason;
  }

  get errorCategory(): number | undefined {
    return this.failure.errorCategory;
  }

  get errorType(): number | undefined {
    return this.failure.errorType;
  }
}
