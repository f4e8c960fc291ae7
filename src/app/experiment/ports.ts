import type { ArmDoc } from '../../domain/experiment/experiment.ts';
import type { LocalDate } from '../../domain/time/date.ts';

export type ExperimentStatus = 'running' | 'stopped' | 'promoted';

export interface Experiment {
  id: string;
  name: string;
  population: string;
  arms: ArmDoc[];
  status: ExperimentStatus;
  startsOn: LocalDate;
  endsOn: LocalDate | null;
  createdBy: string;
  createdAt: string;
  promotedArm: string | null;
  closedBy: string | null;
  closedAt: string | null;
}

/** Per arm, per account: where it stood on joining and what happened since (minor units). */
export interface ArmAccountOutcome {
  arm: string;
  currency: string;
  /** Was delinquent on joining. */
  delinquentAtEntry: boolean;
  /** Back in the first bucket at some point after joining (and while delinquent at entry). */
  cured: boolean;
  /** Reached a worse bucket than the one it joined in. */
  rolledForward: boolean;
  balanceAtEntry: number;
  collected: number;
  /** Actions planned for it since joining, by channel. */
  actions: Record<string, number>;
}

export interface ExperimentStore {
  list(): Promise<Experiment[]>;
  get(id: string): Promise<Experiment | null>;
  insert(
    e: Omit<Experiment, 'createdAt' | 'promotedArm' | 'closedBy' | 'closedAt' | 'status'>,
  ): Promise<Experiment>;
  close(
    id: string,
    status: 'stopped' | 'promoted',
    by: string,
    arm: string | null,
    on: LocalDate,
  ): Promise<Experiment>;
  /** `buckets`: every product's buckets in order (ord 0 is the cured bucket). */
  outcomes(
    id: string,
    asOf: LocalDate,
    buckets: readonly { product: string; bucket: string; ord: number }[],
  ): Promise<ArmAccountOutcome[]>;
}
