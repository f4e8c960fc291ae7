/**
 * The ports of scoring: the model registry (scorecard documents, versioned per purpose, one
 * active each) and the portfolio's scores, tiers and monitoring.
 */
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import type { Classification } from '../../domain/scoring/classification.ts';
import type { Alert, BandCalibration, MonitoringLimits } from '../../domain/scoring/monitoring.ts';
import type { PurposeName } from '../../domain/scoring/purposes.ts';
import type { LocalDate } from '../../domain/time/date.ts';

/** A registered model without its document: what lists return. */
export interface ModelSummary {
  id: number;
  /** What it scores for, e.g. `early_warning` or `collection`. */
  purpose: string;
  /** 1, 2, 3, ... per purpose, in the order of registration. */
  version: number;
  name: string;
  active: boolean;
  registeredBy: string;
  /** ISO instant. */
  registeredAt: string;
  note: string | null;
  /** The last activation (kept after it is deactivated). */
  activatedBy: string | null;
  activatedAt: string | null;
  /** Who ended the last activation, by deactivating it or activating another version. */
  deactivatedBy: string | null;
  deactivatedAt: string | null;
  /** The training data's fingerprint (the document's `data.fingerprint`), when it has one. */
  fingerprint: string | null;
}

export interface StoredModel extends ModelSummary {
  /** The scorecard document as registered. */
  document: unknown;
}

export interface NewModel {
  purpose: string;
  name: string;
  document: unknown;
  fingerprint: string | null;
  by: string;
  note: string | null;
  /** Activate it in the same transaction as it is registered. */
  activate?: boolean;
}

export interface ModelStore {
  /**
   * Stores the next version for the purpose (one more than the highest), assigned under a lock
   * in the transaction that inserts it, so concurrent registrations get distinct versions.
   */
  register(model: NewModel): Promise<StoredModel>;
  /** Summaries by purpose and version; every purpose when none is given. */
  list(purpose?: string): Promise<ModelSummary[]>;
  get(purpose: string, version: number): Promise<StoredModel | null>;
  /** The active version of the purpose, if any. */
  active(purpose: string): Promise<StoredModel | null>;
  /**
   * Makes the version the active one, deactivating the one before in the same transaction.
   * Null when there is no such version; an active version is returned as it is.
   */
  activate(purpose: string, version: number, by: string): Promise<StoredModel | null>;
  /** Deactivates the active version; returns it, or null when none was active. */
  deactivate(purpose: string, by: string): Promise<StoredModel | null>;
}

/** A training table built from the portfolio's history. */
export interface TrainingTable {
  header: string[];
  rows: (string | number | null)[][];
  population: number;
  events: number;
}

/** The portfolio's scores, tiers, classification standard and monitoring. */
export interface ScoringStore {
  classification(): Promise<Classification>;
  /** Checks and stores a classification document; throws ClassificationError when wrong. */
  saveClassification(doc: unknown): Promise<Classification>;
  monitoringLimits(): Promise<MonitoringLimits>;
  saveMonitoringLimits(doc: unknown): Promise<MonitoringLimits>;
  buildTrainingSet(
    purpose: PurposeName,
    asOf: LocalDate,
    policy: LedgerPolicy,
  ): Promise<TrainingTable>;
  monitoring(purpose?: string, limit?: number): Promise<MonitoringRow[]>;
  accountScores(accountExternalId: string): Promise<AccountScores | null>;
  distribution(): Promise<{
    tiers: Record<string, number>;
    bands: Record<string, Record<string, number>>;
  }>;
}

export interface MonitoringRow {
  asOf: LocalDate;
  purpose: string;
  version: number;
  accounts: number;
  psi: number;
  bands: { band: string; accounts: number; meanProbability: number | null }[];
  calibration: (BandCalibration & { snapshot: LocalDate })[] | null;
  alerts: Alert[];
}

export interface AccountScores {
  tier: { tier: string; purpose: string; rule: number; changedOn: LocalDate } | null;
  scores: {
    purpose: string;
    version: number;
    points: number;
    probability: number;
    band: string;
    reasons: string[];
    changedOn: LocalDate;
  }[];
}

/** One purpose's scoring of a cycled day. */
export interface PurposeScoreRun {
  purpose: string;
  version: number;
  /** Accounts scored. */
  accounts: number;
  /** Scores that changed since the day before. */
  changed: number;
  /** Stability of the purpose's population against training. */
  psi: number;
  alerts: number;
}
