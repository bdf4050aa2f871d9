/**
 * The seeded pseudo-random numbers of the generation methods: the same seed gives the same draws on
 * every machine and Node version, so a task re-run with the same seed writes the same bytes.
 */

/**
 * FNV-1a, 32-bit: hashes a string (UTF-16 code units) to an unsigned 32-bit integer.
 * Source: Fowler, Noll, Vo, http://www.isthe.com/chongo/tech/comp/fnv/ (offset basis 2166136261, prime 16777619).
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seeded generator: `next()` in [0, 1) and the draws the methods need. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max], rounded to `decimals` places (the value recorded is the value used). */
  uniform(min: number, max: number, decimals?: number): number;
  /** Uniform integer in [min, max], both included. */
  integer(min: number, max: number): number;
  /** Standard normal N(0, 1) (Box-Muller). */
  normal(): number;
  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): number[];
}

/**
 * Mulberry32 (Tommy Ettinger, public domain; https://gist.github.com/tommyettinger/46a874533244883189143505d203312c):
 * a 32-bit state generator with a full 2^32 period, plenty for drawing a few parameters or one image's noise.
 * @param seed - any string; hashed with {@link fnv1a}
 */
export function seededRandom(seed: string): Random {
  let state = fnv1a(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const round = (value: number, decimals: number) => Number(value.toFixed(decimals));
  return {
    next,
    uniform: (min, max, decimals = 4) => round(min + (max - min) * next(), decimals),
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    permutation: (n) => {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      return order;
    },
  };
}
