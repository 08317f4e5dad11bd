/**
 * The few typed errors of trailhound. Only the CLI entry point maps them to exit codes.
 */
export class TrailhoundError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A source could not be listed or opened (missing path, denied bucket). */
export class SourceError extends TrailhoundError {}

/** Invalid configuration or command-line usage. */
export class ConfigError extends TrailhoundError {
  constructor(message: string, readonly problems: string[] = [], hint?: string) {
    super(message, hint);
  }
}

/** `--strict` turned a parse issue into a failure. */
export class StrictModeError extends TrailhoundError {}

/** The state store is corrupt, newer than this version, or locked. */
export class StateError extends TrailhoundError {}

/** A query failed (DuckDB or Athena). */
export class QueryError extends TrailhoundError {}

/** Exit codes, documented in the README. */
export const EXIT = Object.freeze({
  ok: 0,
  internal: 1,
  partial: 2,
  findings: 3,
  usage: 64,
  config: 78,
} as const);
