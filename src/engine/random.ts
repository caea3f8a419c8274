/**
 * Seeded randomness, so that every experiment can be replayed exactly.
 * All randomness in the engine flows through an {@link Rng}; nothing calls Math.random.
 */

/** A source of uniform random numbers u ~ U[0, 1). */
export type Rng = () => number;

/**
 * Mulberry32: a tiny, fast 32-bit generator. The same seed always yields the same
 * sequence, which makes datasets, initial weights and training runs reproducible.
 */
export function mulberry32(seed: number): Rng {
  /** the generator's 32-bit state, advanced by a Weyl increment on every draw */
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One draw from the normal distribution N(mean, std²) by the Box–Muller transform:
 * for u₁, u₂ ~ U(0, 1], z = √(−2 ln u₁) · cos(2π u₂) ~ N(0, 1).
 */
export function randomNormal(rng: Rng, mean = 0, std = 1): number {
  const u1 = 1 - rng(); // in (0, 1], so ln u₁ is finite
  const u2 = rng();
  const standard = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return mean + std * standard;
}

/**
 * Fisher–Yates shuffle: walks from the end, swapping item k with a uniformly chosen
 * item in [0, k]; every permutation is equally likely.
 */
export function shuffleInPlace<T>(items: T[] | Float64Array | Int32Array, rng: Rng): void {
  const list = items as { length: number; [index: number]: unknown };
  for (let k = list.length - 1; k > 0; k--) {
    const m = Math.floor(rng() * (k + 1));
    const held = list[k];
    list[k] = list[m];
    list[m] = held;
  }
}
