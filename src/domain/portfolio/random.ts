/**
 * A small seeded pseudo-random generator for synthetic data (the demo portfolio).
 *
 * The engine is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator: 128 bits of state,
 * passes PractRand, plain 32-bit integer arithmetic so every JS engine computes the same
 * sequence). It is seeded from the seed's text through the cyrb128 string hash, so the number
 * `42` and the string `'42'` give the same sequence. Not for cryptography.
 */

export type Seed = number | string;

/** Four 32-bit words from a string (cyrb128 by bryc, public domain). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Outputs discarded after seeding so that similar seeds give unrelated sequences. */
const WARM_UP_ROUNDS = 15;

const TWO_POW_32 = 4294967296;

export class Random {
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: Seed) {
    this.seed = String(seed);
    [this.a, this.b, this.c, this.d] = cyrb128(this.seed);
    for (let i = 0; i < WARM_UP_ROUNDS; i++) this.uint32();
  }

  /**
   * An independent generator for a sub-stream (a customer, an account), keyed by `key`. It
   * depends only on this generator's seed and the key, not on how far this one has advanced,
   * so records can be generated in any order or count and still come out the same.
   */
  derive(key: Seed): Random {
    return new Random(`${this.seed}/${key}`);
  }

  /** The next 32-bit unsigned integer (one sfc32 step). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`bad integer range [${lo}, ${hi}]`);
    }
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A number in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A value chosen with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (let i = 0; i < entries.length; i++) total += (entries[i] as readonly [T, number])[1];
    if (!(total > 0)) throw new RangeError('weights must add up to more than zero');
    let x = this.next() * total;
    let chosen: readonly [T, number] | undefined;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as readonly [T, number];
      if (entry[1] <= 0) continue;
      chosen = entry;
      if (x < entry[1]) break;
      x -= entry[1];
    }
    // `chosen` is the entry x fell in, or (after floating-point leftovers) the last one weighed.
    return (chosen as readonly [T, number])[0];
  }

  /** A key of `weights` chosen with probability proportional to its value. */
  weightedKey<K extends string>(weights: Readonly<Record<K, number>>): K {
    return this.weighted(Object.entries(weights) as [K, number][]);
  }

  /** A standard normal draw scaled to `mean` and `sd` (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) is never taken
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal draw with the given median and log-space spread, clamped to [min, max]. */
  lognormal(median: number, sigma: number, min = 0, max = Infinity): number {
    const x = median * Math.exp(sigma * this.normal());
    return Math.min(max, Math.max(min, x));
  }
}

/** A generator for `seed` (a number or any text). */
export function createRandom(seed: Seed): Random {
  return new Random(seed);
}
