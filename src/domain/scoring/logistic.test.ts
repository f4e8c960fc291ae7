import { describe, expect, it } from 'vitest';
import { cholesky, DEFAULT_LOGISTIC, fitLogistic, sigmoid, solveSpd } from './logistic.ts';

/** A small seeded linear congruential generator (Numerical Recipes constants), in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Standard normal draws (Box–Muller) from the generator. */
function normals(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** n rows of p standard normal columns, labels drawn from the logistic model `beta`. */
function generate(seed: number, n: number, beta: number[]) {
  const next = lcg(seed);
  const z = normals(next);
  const p = beta.length - 1;
  const x = new Float64Array(n * p);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let eta = beta[0]!;
    for (let j = 0; j < p; j++) {
      const v = z();
      x[i * p + j] = v;
      eta += beta[j + 1]! * v;
    }
    y[i] = next() < sigmoid(eta) ? 1 : 0;
  }
  return { x, y, p };
}

const etaOf = (x: Float64Array, p: number, i: number, b: ArrayLike<number>) => {
  let eta = b[0]!;
  for (let j = 0; j < p; j++) eta += x[i * p + j]! * b[j + 1]!;
  return eta;
};

/** The gradient of the penalised log-likelihood (intercept first), computed directly. */
function gradient(x: Float64Array, y: ArrayLike<number>, p: number, b: number[], l2: number) {
  const g = new Array<number>(p + 1).fill(0);
  for (let i = 0; i < y.length; i++) {
    const r = y[i]! - sigmoid(etaOf(x, p, i, b));
    g[0]! += r;
    for (let j = 0; j < p; j++) g[j + 1]! += r * x[i * p + j]!;
  }
  for (let j = 1; j <= p; j++) g[j]! -= l2 * b[j]!;
  return g;
}

/** The penalised Fisher information XᵀWX + λ·I (no penalty on the intercept). */
function information(x: Float64Array, p: number, b: number[], l2: number): number[][] {
  const d = p + 1;
  const h = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < x.length / p; i++) {
    const mu = sigmoid(etaOf(x, p, i, b));
    const row = [1, ...Array.from({ length: p }, (_, j) => x[i * p + j]!)];
    for (let a = 0; a < d; a++)
      for (let c = 0; c < d; c++) h[a]![c]! += mu * (1 - mu) * row[a]! * row[c]!;
  }
  for (let j = 1; j < d; j++) h[j]![j]! += l2;
  return h;
}

/** Inverse by Gauss–Jordan elimination with partial pivoting (independent of Cholesky). */
function invert(m: number[][]): number[][] {
  const d = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    const v = a[c]![c]!;
    for (let k = 0; k < 2 * d; k++) a[c]![k]! /= v;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let k = 0; k < 2 * d; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((r) => r.slice(d));
}

const coefficientsOf = (fit: { intercept: number; coefficients: number[] }) => [
  fit.intercept,
  ...fit.coefficients,
];

describe('sigmoid', () => {
  it('is 1/2 at 0, symmetric, and stable far out', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 15);
    expect(sigmoid(-Math.log(3))).toBeCloseTo(0.25, 15);
    for (const t of [0.3, 2, 7.5]) expect(sigmoid(t) + sigmoid(-t)).toBeCloseTo(1, 15);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-745)).toBeGreaterThanOrEqual(0);
  });
});

describe('cholesky and solveSpd', () => {
  // A = L·Lᵀ with L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]]
  const a = Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]);

  it('factors a 3×3 matrix by hand', () => {
    expect(Array.from(cholesky(a, 3))).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  it('solves A x = b', () => {
    // A · (1, 2, 3) = (4 + 24 − 48, 12 + 74 − 129, −16 − 86 + 294) = (−20, −43, 192)
    const x = solveSpd(a, [-20, -43, 192], 3);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
    expect(x[2]).toBeCloseTo(3, 12);
    // and the identity
    const e = solveSpd(Float64Array.from([1, 0, 0, 1]), [5, -7], 2);
    expect(Array.from(e)).toEqual([5, -7]);
  });

  it('throws for a matrix that is not positive definite', () => {
    // eigenvalues 3 and −1
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(
      'the matrix is not positive definite',
    );
    expect(() => solveSpd(Float64Array.from([1, 2, 2, 1]), [1, 1], 2)).toThrow(RangeError);
    // singular: positive semi-definite is not enough
    expect(() => cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toThrow(RangeError);
    expect(() => cholesky(Float64Array.from([-4]), 1)).toThrow(RangeError);
    expect(() => cholesky(Float64Array.from([NaN]), 1)).toThrow(RangeError);
  });
});

describe('fitLogistic', () => {
  const beta = [-1, 0.8, -0.5, 0.3];
  const big = generate(17, 20_000, beta);
  const fit = fitLogistic(big.x, big.y, big.p, { l2: 1e-6 });

  it('recovers the coefficients of the model that made the data, within 4 standard errors', () => {
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(15);
    const b = coefficientsOf(fit);
    for (let j = 0; j < beta.length; j++) {
      expect(fit.standardErrors[j]!).toBeGreaterThan(0.005);
      expect(fit.standardErrors[j]!).toBeLessThan(0.05);
      expect(Math.abs(b[j]! - beta[j]!)).toBeLessThan(4 * fit.standardErrors[j]!);
    }
  });

  it('stops where the gradient of the log-likelihood is zero', () => {
    const g = gradient(big.x, big.y, big.p, coefficientsOf(fit), 1e-6);
    // against 20 000 rows, each term up to a few units
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-6);
  });

  it('stops where the gradient of the penalised log-likelihood is zero', () => {
    const small = generate(3, 500, [0.5, 1, -1]);
    const f = fitLogistic(small.x, small.y, small.p, { l2: 25 });
    const g = gradient(small.x, small.y, small.p, coefficientsOf(f), 25);
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-8);
  });

  it('reports the deviance as −log-likelihood without the penalty', () => {
    const b = coefficientsOf(fit);
    let nll = 0;
    for (let i = 0; i < big.y.length; i++) {
      const p = sigmoid(etaOf(big.x, big.p, i, b));
      nll -= big.y[i] ? Math.log(p) : Math.log(1 - p);
    }
    expect(fit.deviance).toBeCloseTo(nll, 6);
  });

  it('has standard errors that are the sqrt of the inverse information’s diagonal', () => {
    const inv = invert(information(big.x, big.p, coefficientsOf(fit), 1e-6));
    for (let j = 0; j < beta.length; j++)
      expect(fit.standardErrors[j]! / Math.sqrt(inv[j]![j]!)).toBeCloseTo(1, 6);
  });

  it('agrees with plain gradient descent run to convergence', () => {
    const l2 = 2;
    const { x, y, p } = generate(99, 200, [-0.4, 1.2, -0.7]);
    const f = fitLogistic(x, y, p, { l2 });
    // gradient ascent on the penalised log-likelihood with a fixed step below 1/L,
    // L ≤ ¼·Σ‖xᵢ‖² + λ
    let lipschitz = l2;
    for (let i = 0; i < y.length; i++) {
      let s = 1;
      for (let j = 0; j < p; j++) s += x[i * p + j]! ** 2;
      lipschitz += s / 4;
    }
    const step = 1 / lipschitz;
    let b = [0, 0, 0];
    for (let it = 0; it < 200_000; it++) {
      const g = gradient(x, y, p, b, l2);
      b = b.map((v, j) => v + step * g[j]!);
      if (Math.max(...g.map(Math.abs)) < 1e-10) break;
    }
    const got = coefficientsOf(f);
    for (let j = 0; j < b.length; j++) expect(Math.abs(got[j]! - b[j]!)).toBeLessThan(1e-5);
  });

  it('shrinks the coefficients toward 0 as the penalty grows, never the intercept', () => {
    const { x, y, p } = generate(5, 2000, [1, 1.5, -1]);
    const norms: number[] = [];
    let last: number[] = [];
    for (const l2 of [0, 1, 10, 100, 1000, 10_000, 1e7]) {
      const f = fitLogistic(x, y, p, { l2 });
      expect(f.converged).toBe(true);
      norms.push(Math.hypot(...f.coefficients));
      last = coefficientsOf(f);
    }
    for (let k = 1; k < norms.length; k++) expect(norms[k]!).toBeLessThan(norms[k - 1]!);
    // with a huge penalty only the intercept is left: the log-odds of the base rate
    expect(norms[norms.length - 1]!).toBeLessThan(1e-3);
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    expect(last[0]!).toBeCloseTo(Math.log(rate / (1 - rate)), 2);
  });

  it('converges to finite coefficients on perfectly separable data thanks to the penalty', () => {
    const xs = [-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3];
    const x = Float64Array.from(xs);
    const y = xs.map((v) => (v > 0 ? 1 : 0));
    const f = fitLogistic(x, y, 1, { l2: 1 });
    expect(f.converged).toBe(true);
    expect(Number.isFinite(f.coefficients[0]!)).toBe(true);
    expect(f.coefficients[0]!).toBeGreaterThan(0);
    // every row on its side
    for (let i = 0; i < xs.length; i++)
      expect(sigmoid(f.intercept + f.coefficients[0]! * xs[i]!) > 0.5).toBe(y[i] === 1);
    // less penalty, steeper (but still finite) fit
    const g = fitLogistic(x, y, 1, { l2: 0.01 });
    expect(g.converged).toBe(true);
    expect(g.coefficients[0]!).toBeGreaterThan(f.coefficients[0]!);
    expect(Number.isFinite(g.coefficients[0]!)).toBe(true);
  });

  it('weights a row like that many copies of it', () => {
    const { x, y, p } = generate(8, 300, [0, 1, 1]);
    const next = lcg(1);
    const w = Array.from({ length: y.length }, () => 1 + Math.floor(next() * 3));
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < y.length; i++)
      for (let c = 0; c < w[i]!; c++) {
        for (let j = 0; j < p; j++) xs.push(x[i * p + j]!);
        ys.push(y[i]!);
      }
    const weighted = fitLogistic(x, y, p, { l2: 1 }, w);
    const copied = fitLogistic(Float64Array.from(xs), ys, p, { l2: 1 });
    const a = coefficientsOf(weighted);
    const b = coefficientsOf(copied);
    for (let j = 0; j < a.length; j++) expect(a[j]!).toBeCloseTo(b[j]!, 8);
    expect(weighted.deviance).toBeCloseTo(copied.deviance, 6);
  });

  it('fits the intercept alone when there are no columns', () => {
    // 3 events in 10: log-odds ln(3/7)
    const f = fitLogistic(new Float64Array(0), [1, 0, 0, 1, 0, 0, 1, 0, 0, 0], 0);
    expect(f.coefficients).toEqual([]);
    expect(f.intercept).toBeCloseTo(Math.log(3 / 7), 10);
    expect(f.standardErrors).toHaveLength(1);
    // 1 / √(n p (1 − p)) = 1 / √2.1
    expect(f.standardErrors[0]!).toBeCloseTo(1 / Math.sqrt(2.1), 6);
  });

  it('stops at the iteration limit without claiming convergence', () => {
    const f = fitLogistic(big.x, big.y, big.p, { maxIterations: 1 });
    expect(f.iterations).toBe(1);
    expect(f.converged).toBe(false);
  });

  it('uses the defaults', () => {
    expect(DEFAULT_LOGISTIC).toEqual({ l2: 1, maxIterations: 100, tolerance: 1e-8 });
  });

  it('rejects mismatched shapes and empty data', () => {
    expect(() => fitLogistic(new Float64Array(5), [0, 1], 2)).toThrow(
      'x has 5 values for 2 rows of 2',
    );
    expect(() => fitLogistic(new Float64Array(0), [], 2)).toThrow('no rows to fit');
  });
});
