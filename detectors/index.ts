/**
 * The detector registry: every detector, in report order. Adding a detector is adding its file
 * and one line here (a test checks every file in detectors/ is listed and ids are unique).
 */
import type { AnyDetector } from '../src/detect/detector.js';
import { insecureTransport } from './insecure-transport.js';
import { s3ConfigChange } from './s3-config-change.js';
import { unusualPrincipal } from './unusual-principal.js';
import { volumeSpike } from './volume-spike.js';

export const DETECTORS: readonly AnyDetector[] = [unusualPrincipal, volumeSpike, insecureTransport, s3ConfigChange];
