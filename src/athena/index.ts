/**
 * The Athena engine: the runner (start, poll, cancel, cost), its results as Arrow batches, query
 * parameters, and the DDL for `trailhound athena ddl|setup`.
 */
export { AthenaRunner, DEFAULT_CATALOG, type AthenaRunnerOptions, type CompletedQuery, type QueryOptions } from './runner.js';
export { QueryResults, type ResultOptions } from './results.js';
export { AthenaQueryError, type AthenaFailure } from './errors.js';
export { dateLiteral, executionParameters, quoteString, timestampLiteral, toSqlLiteral, type ParamValue, type TypedLiteral } from './params.js';
export { estimateCost, formatUsd, type CostEstimate } from './cost.js';
export { athenaClient, resultsS3Client, type AwsSettings } from './clients.js';
export { ddlStatements, resolveDdlConfig, VIEW_NAME, type DdlConfig, type DdlInput, type DdlStatement } from './ddl.js';
