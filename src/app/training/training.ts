/**
 * Training: the courses (compliance ones are needed before taking calls), who completed which
 * when, every collector's status on a day, and the gate the desk asks before giving out calls.
 */
import { mayTakeCalls, trainingStatus, type CourseStatus } from '../../domain/training/status.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import { invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import type { StoredCompletion, StoredCourse, Trainee, TrainingStore } from './ports.ts';

export interface TrainingDeps {
  training: TrainingStore;
}

/** Days ahead an expiry shows as `expiring`. */
export const EXPIRING_WITHIN_DAYS = 30;

export interface CourseInput {
  id?: unknown;
  title?: unknown;
  compliance?: unknown;
  validityMonths?: unknown;
}

/** Adds a course or changes one (by its id). */
export async function saveCourse(
  deps: TrainingDeps,
  input: CourseInput,
  by: string,
  now: Date,
): Promise<StoredCourse> {
  const details: ErrorDetail[] = [];
  if (typeof input.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(input.id))
    details.push({ at: 'id', reason: 'is required: 1 to 64 letters, digits, _ . -' });
  if (typeof input.title !== 'string' || input.title.trim() === '')
    details.push({ at: 'title', reason: 'is required' });
  if (typeof input.compliance !== 'boolean')
    details.push({ at: 'compliance', reason: 'must be true or false' });
  const v = input.validityMonths ?? null;
  if (v !== null && (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 120))
    details.push({
      at: 'validityMonths',
      reason: 'must be a whole number of months from 1 to 120, or null (never expires)',
    });
  if (details.length > 0) throw invalid('the course is not valid', details);
  const course: StoredCourse = {
    id: input.id as string,
    title: (input.title as string).trim(),
    compliance: input.compliance as boolean,
    validityMonths: v as number | null,
  };
  await deps.training.saveCourse(course, by, now);
  return course;
}

/** Records that a collector completed a course on a day (not after today). */
export async function recordCompletion(
  deps: TrainingDeps,
  input: { collector: string; course: string; completedOn: string },
  by: string,
  today: LocalDate,
  now: Date,
): Promise<{ completion: StoredCompletion; created: boolean }> {
  if (!isLocalDate(input.completedOn))
    throw invalid('the completion is not valid', [
      { at: 'completedOn', reason: 'is not a date (YYYY-MM-DD)' },
    ]);
  if (input.completedOn > today)
    throw invalid('the completion is not valid', [
      { at: 'completedOn', reason: `is after today (${today})` },
    ]);
  const r = await deps.training.addCompletion(
    { collectorId: input.collector, courseId: input.course, completedOn: input.completedOn },
    by,
    now,
  );
  if ('missing' in r)
    throw notFound(
      r.missing === 'collector' ? `collector ${input.collector}` : `course ${input.course}`,
    );
  return r;
}

export interface CollectorTraining extends Trainee {
  mayTakeCalls: boolean;
  /** Why not, naming each compliance course expired or missing; null when it may. */
  reason: string | null;
  courses: (CourseStatus & { title: string; compliance: boolean })[];
}

/** Every collector's status in every course on `day` (or one collector's). */
export async function trainingReport(
  deps: TrainingDeps,
  day: LocalDate,
  collector?: string,
): Promise<{ day: LocalDate; courses: StoredCourse[]; collectors: CollectorTraining[] }> {
  const all = await deps.training.collectors();
  const who = collector === undefined ? all : all.filter((c) => c.id === collector);
  if (collector !== undefined && who.length === 0) throw notFound(`collector ${collector}`);
  const [courses, completions] = await Promise.all([
    deps.training.courses(),
    deps.training.completions(
      day,
      who.map((c) => c.id),
    ),
  ]);
  return {
    day,
    courses,
    collectors: who.map((c) => {
      const gate = mayTakeCalls(c.id, courses, completions, day);
      return {
        ...c,
        mayTakeCalls: gate.allowed,
        reason: gate.allowed ? null : gate.reason,
        courses: trainingStatus(c.id, courses, completions, day, EXPIRING_WITHIN_DAYS).map(
          (s, i) => ({ ...s, title: courses[i]!.title, compliance: courses[i]!.compliance }),
        ),
      };
    }),
  };
}

/** The collectors among `ids` who may not take calls on `day`, each with why. */
export async function callBlocks(
  deps: TrainingDeps,
  ids: readonly string[],
  day: LocalDate,
): Promise<Map<string, string>> {
  const blocked = new Map<string, string>();
  if (ids.length === 0) return blocked;
  const courses = (await deps.training.courses()).filter((c) => c.compliance);
  if (courses.length === 0) return blocked;
  const completions = await deps.training.completions(day, ids);
  for (const id of ids) {
    const gate = mayTakeCalls(id, courses, completions, day);
    if (!gate.allowed) blocked.set(id, gate.reason);
  }
  return blocked;
}
