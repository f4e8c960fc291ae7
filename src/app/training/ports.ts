import type { Completion, Course } from '../../domain/training/status.ts';
import type { LocalDate } from '../../domain/time/date.ts';

export interface StoredCourse extends Course {
  title: string;
}

export interface StoredCompletion extends Completion {
  id: number;
  recordedBy: string;
}

/** A collector of the desk, as training sees it. */
export interface Trainee {
  id: string;
  name: string;
  team: string | null;
  active: boolean;
}

export type CompletionResult =
  { completion: StoredCompletion; created: boolean } | { missing: 'collector' | 'course' };

export interface TrainingStore {
  courses(): Promise<StoredCourse[]>;
  saveCourse(c: StoredCourse, by: string, at: Date): Promise<void>;
  /** Completions on or before `day`, of the given collectors (all when omitted). */
  completions(day: LocalDate, collectors?: readonly string[]): Promise<StoredCompletion[]>;
  /** The completion (the stored one when it was recorded already), or what is not known. */
  addCompletion(c: Completion, by: string, at: Date): Promise<CompletionResult>;
  /** The desk's collectors. */
  collectors(): Promise<Trainee[]>;
}
