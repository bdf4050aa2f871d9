/**
 * A deterministic pseudo-random generator (mulberry32, Tommy Ettinger's 32-bit generator), so every
 * run of a bench measures the same generated data.
 * @param seed any integer; the same seed gives the same sequence
 * @returns a function giving the next number in [0, 1)
 */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
