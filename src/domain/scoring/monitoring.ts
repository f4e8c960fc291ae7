/**
 * Model monitoring: is today's score distribution still the one the model was trained on
 * (PSI against the training deciles), and do the probabilities still match what happens
 * (predicted against actual event rates by band, on a snapshot whose horizon has passed)?
 * Alerts when either drifts beyond the limits set.
 */
import { psi } from './measures.ts';

export interface MonitoringLimits {
  /** PSI above this raises an alert (0.25 is the usual "major shift"). */
  psi: number;
  /** A band whose actual event rate differs from the predicted by more than this (absolute). */
  calibrationGap: number;
  /** Bands with fewer accounts than this are not judged. */
  minBandAccounts: number;
}

export const DEFAULT_MONITORING_LIMITS: MonitoringLimits = {
  psi: 0.25,
  calibrationGap: 0.1,
  minBandAccounts: 30,
};

export interface BandCalibration {
  band: string;
  accounts: number;
  predicted: number;
  actual: number;
}

export interface Alert {
  kind: 'psi' | 'calibration';
  message: string;
  value: number;
  limit: number;
  band?: string;
}

/** Checks limits given by a person (a settings document); errors name the field. */
export function parseMonitoringLimits(doc: unknown): MonitoringLimits {
  if (doc === undefined || doc === null) return DEFAULT_MONITORING_LIMITS;
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new RangeError('monitoring limits: an object with psi, calibrationGap, minBandAccounts');
  const d = doc as Record<string, unknown>;
  const out = { ...DEFAULT_MONITORING_LIMITS };
  for (const [k, v] of Object.entries(d)) {
    if (!(k in out))
      throw new RangeError(`${k}: not a monitoring limit (psi, calibrationGap, minBandAccounts)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new RangeError(`${k}: a number from 0`);
    out[k as keyof MonitoringLimits] = v;
  }
  return out;
}

/** The PSI of today's counts (over the training breaks) against the training counts. */
export function stability(
  trainingCounts: readonly number[],
  todayCounts: readonly number[],
): number {
  if (trainingCounts.length !== todayCounts.length)
    throw new RangeError('the score distribution has a different number of bins than training');
  if (todayCounts.reduce((s, c) => s + c, 0) === 0) return 0;
  return psi(trainingCounts, todayCounts).psi;
}

/** The alerts that the day's figures raise. */
export function alertsFor(
  purpose: string,
  figures: { psi: number; calibration: BandCalibration[] | null },
  limits: MonitoringLimits,
): Alert[] {
  const alerts: Alert[] = [];
  if (figures.psi > limits.psi)
    alerts.push({
      kind: 'psi',
      message: `${purpose}: the score distribution has shifted from training (PSI ${figures.psi.toFixed(3)} > ${limits.psi})`,
      value: figures.psi,
      limit: limits.psi,
    });
  for (const b of figures.calibration ?? []) {
    if (b.accounts < limits.minBandAccounts) continue;
    const gap = Math.abs(b.actual - b.predicted);
    if (gap > limits.calibrationGap)
      alerts.push({
        kind: 'calibration',
        band: b.band,
        message:
          `${purpose} band ${b.band}: ${(100 * b.actual).toFixed(1)} % had the event, ` +
          `${(100 * b.predicted).toFixed(1)} % were predicted (gap ${(100 * gap).toFixed(1)} points > ${(100 * limits.calibrationGap).toFixed(1)})`,
        value: gap,
        limit: limits.calibrationGap,
      });
  }
  return alerts;
}
