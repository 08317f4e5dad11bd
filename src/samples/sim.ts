/**
 * The simulation frame shared by benign workloads and incidents.
 */
import type { ApiCall } from './api-call.js';
import type { Random } from './random.js';

export interface Sim {
  /** First instant of the generated period (UTC midnight). */
  readonly start: number;
  /** End of the period (exclusive). */
  readonly end: number;
  emit(call: ApiCall): void;
}

/** A source of traffic; it gets its own random stream so workloads never shift each other. */
export type Workload = (sim: Sim, rng: Random) => void;
