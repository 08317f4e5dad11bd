/**
 * Operational logs: pino JSON on stderr. Results go to stdout, never here.
 */
import { pino, type Logger } from 'pino';

let logger: Logger | undefined;

export function log(): Logger {
  logger ??= pino(
    { name: 'trailhound', level: process.env.TRAILHOUND_LOG_LEVEL ?? 'info', base: undefined },
    pino.destination({ fd: 2, sync: true }),
  );
  return logger;
}

export function setLogLevel(level: string): void {
  log().level = level;
}
