/** Limits that protect a run from hostile objects. */
export interface ReadLimits {
  /** Absolute cap on decompressed bytes per object (default 4 GiB). */
  maxDecompressedBytes: number;
  /** Cap as a multiple of the compressed size (default 100×). */
  maxCompressionRatio: number;
}

export const DEFAULT_LIMITS: ReadLimits = Object.freeze({
  maxDecompressedBytes: 4 * 1024 ** 3,
  maxCompressionRatio: 100,
});

/**
 * The decompressed-size cap for an object. When the compressed size is unknown (stdin), the
 * ratio is applied to the bytes read so far, with 64 MiB of slack for the first blocks.
 */
export function decompressedCap(limits: ReadLimits, compressedSize: number | undefined, compressedSoFar: number): number {
  const base = compressedSize ?? compressedSoFar;
  const slack = compressedSize === undefined ? 64 * 1024 * 1024 : 0;
  return Math.min(limits.maxDecompressedBytes, base * limits.maxCompressionRatio + slack);
}
