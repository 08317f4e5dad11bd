import { renderDetectorDocs, renderDetectorList } from '../detect/docs.js';
import { DETECTORS } from '../../detectors/index.js';
import type { CommandOutcome } from './outcome.js';

export async function run(o: { markdown?: boolean }): Promise<CommandOutcome> {
  process.stdout.write(o.markdown ? renderDetectorDocs(DETECTORS) : renderDetectorList(DETECTORS));
  return {};
}
