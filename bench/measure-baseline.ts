/**
 * (0) The floor under every trailhound RSS figure: node + tsx with the ingest pipeline, parsers
 * and Arrow loaded, nothing parsed. Seconds are the module-loading time.
 *
 *   node --import tsx bench/measure-baseline.ts DATA_DIR
 */
import { childArgs, report, timed } from './common.js';

childArgs();
const [, seconds] = await timed(async () => {
  await import('../src/ingest/ingest.js');
  await import('../src/ingest/read-object.js');
  await import('../parsers/index.js');
  await import('../src/detect/runner.js');
});
report({ bytes: 0, records: 0, seconds, notes: { baseline: 'modules loaded, nothing parsed' } });
