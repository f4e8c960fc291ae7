/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares) to convergence, for the few dozen columns of a scorecard.
 *
 * Minimises −Σ [y ln p + (1−y) ln(1−p)] + (λ/2)·‖β‖² (the intercept is not penalised), with
 * p = 1 / (1 + e^−(β0 + x·β)). Each step solves (XᵀWX + λI) Δ = ∇ by Cholesky; a step that
 * does not lower the objective is halved. Converged when the largest |Δ| is below `tolerance`.
 */

export interface LogisticOptions {
  /** The L2 penalty λ (on the sum of the log-likelihood, not its mean). */
  l2: number;
  maxIterations: number;
  tolerance: number;
}

export const DEFAULT_LOGISTIC: LogisticOptions = { l2: 1, maxIterations: 100, tolerance: 1e-8 };

export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
  /** −log-likelihood at the solution (without the penalty). */
  deviance: number;
  /** Standard errors from the inverse of the penalised Hessian (intercept first). */
  standardErrors: number[];
}

/**
 * Fits on `x` (row-major: n rows of p values) and labels `y` (0/1). Optional row weights.
 */
export function fitLogistic(
  x: Float64Array,
  y: ArrayLike<number>,
  p: number,
  options: Partial<LogisticOptions> = {},
  weights?: ArrayLike<number>,
): LogisticFit {
  const o = { ...DEFAULT_LOGISTIC, ...options };
  const n = y.length;
  if (x.length !== n * p) throw new RangeError(`x has ${x.length} values for ${n} rows of ${p}`);
  if (n === 0) throw new RangeError('no rows to fit');
  const d = p + 1;
  let beta = new Float64Array(d);
  // start from the base rate
  let sumW = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    sumW += w;
    sumY += w * y[i]!;
  }
  const base = Math.min(Math.max(sumY / sumW, 1e-6), 1 - 1e-6);
  beta[0] = Math.log(base / (1 - base));

  const objective = (b: Float64Array) => {
    let nll = 0;
    for (let i = 0; i < n; i++) {
      let eta = b[0]!;
      const row = i * p;
      for (let j = 0; j < p; j++) eta += x[row + j]! * b[j + 1]!;
      const w = weights ? weights[i]! : 1;
      // −[y η − ln(1 + e^η)], computed stably
      nll += w * (softplus(eta) - y[i]! * eta);
    }
    let pen = 0;
    for (let j = 1; j < d; j++) pen += b[j]! * b[j]!;
    return { nll, total: nll + 0.5 * o.l2 * pen };
  };

  let current = objective(beta);
  let iterations = 0;
  let converged = false;
  const H = new Float64Array(d * d);
  const g = new Float64Array(d);
  for (; iterations < o.maxIterations; iterations++) {
    H.fill(0);
    g.fill(0);
    const xi = new Float64Array(d);
    xi[0] = 1;
    for (let i = 0; i < n; i++) {
      const row = i * p;
      let eta = beta[0]!;
      for (let j = 0; j < p; j++) {
        xi[j + 1] = x[row + j]!;
        eta += xi[j + 1]! * beta[j + 1]!;
      }
      const mu = sigmoid(eta);
      const w = weights ? weights[i]! : 1;
      const r = w * (y[i]! - mu);
      const v = w * mu * (1 - mu);
      for (let a = 0; a < d; a++) {
        const xa = xi[a]!;
        g[a]! += xa * r;
        const va = v * xa;
        for (let b = 0; b <= a; b++) H[a * d + b]! += va * xi[b]!;
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) H[b * d + a] = H[a * d + b]!;
    for (let j = 1; j < d; j++) {
      g[j]! -= o.l2 * beta[j]!;
      H[j * d + j]! += o.l2;
    }
    const step = solveSpd(H, g, d);
    let scale = 1;
    const next = new Float64Array(d);
    let nextObj = current;
    for (let halvings = 0; halvings < 30; halvings++) {
      for (let j = 0; j < d; j++) next[j] = beta[j]! + scale * step[j]!;
      nextObj = objective(next);
      if (nextObj.total <= current.total + 1e-12 * Math.abs(current.total)) break;
      scale /= 2;
    }
    let maxStep = 0;
    for (let j = 0; j < d; j++) maxStep = Math.max(maxStep, Math.abs(scale * step[j]!));
    beta = next;
    current = nextObj;
    if (maxStep < o.tolerance) {
      converged = true;
      iterations++;
      break;
    }
  }
  const inv = invertSpd(H, d);
  const standardErrors = Array.from({ length: d }, (_, j) =>
    Math.sqrt(Math.max(0, inv[j * d + j]!)),
  );
  return {
    intercept: beta[0]!,
    coefficients: Array.from(beta.subarray(1)),
    iterations,
    converged,
    deviance: current.nll,
    standardErrors,
  };
}

export function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

function softplus(eta: number): number {
  return eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite matrix. */
export function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError('the matrix is not positive definite');
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  return l;
}

/** Solves A x = b for a symmetric positive definite A by Cholesky. */
export function solveSpd(a: Float64Array, b: ArrayLike<number>, d: number): Float64Array {
  const l = cholesky(a, d);
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * z[k]!;
    z[i] = s / l[i * d + i]!;
  }
  const out = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * out[k]!;
    out[i] = s / l[i * d + i]!;
  }
  return out;
}

function invertSpd(a: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const e = new Float64Array(d);
    e[c] = 1;
    const col = solveSpd(a, e, d);
    for (let r = 0; r < d; r++) inv[r * d + c] = col[r]!;
  }
  return inv;
}
