/** What a command tells the entry point, which alone maps it to an exit code. */
export interface CommandOutcome {
  /** Some input could not be read or parsed (exit 2). */
  partial?: boolean;
  /** A finding at or above --fail-on exists (exit 3). */
  failOn?: boolean;
}
