/**
 * The parser registry: every parser module, in sniffing order.
 */
import { cloudTrailParser } from './cloudtrail.js';
import { s3AccessParser } from './s3-access.js';
import type { ParserModule } from './types.js';

export const PARSERS: readonly ParserModule[] = [cloudTrailParser, s3AccessParser];
