/**
 * Training status of collectors: which courses are valid, expiring, expired or missing on a day,
 * and whether a collector may take calls.
 *
 * - The latest completion of a course on or before the day counts (a completion dated after the
 *   day is not known yet on that day).
 * - Expiry = completed on + validity months, clamped to the month's end (2026-01-31 + 1 month =
 *   2026-02-28). The expiry day is the last day the course is valid; it is expired the day after.
 * - Expiring: valid, with the expiry day at most `expiringWithinDays` days ahead (0 = today).
 * - A course with validity null never expires.
 */
import { addMonths, diffDays, type LocalDate } from '../time/date.ts';

export interface Course {
  id: string;
  /** Required before taking calls. */
  compliance: boolean;
  /** Months a completion counts for; null = for good. */
  validityMonths: number | null;
}

export interface Completion {
  collectorId: string;
  courseId: string;
  completedOn: LocalDate;
}

export type TrainingState = 'valid' | 'expiring' | 'expired' | 'missing';

export interface CourseStatus {
  courseId: string;
  status: TrainingState;
  completedOn: LocalDate | null;
  expiresOn: LocalDate | null;
}

export function expiryDate(
  completedOn: LocalDate,
  validityMonths: number | null,
): LocalDate | null {
  return validityMonths === null ? null : addMonths(completedOn, validityMonths);
}

/** One collector's status in one course on `day`. */
export function courseStatus(
  collectorId: string,
  course: Course,
  completions: readonly Completion[],
  day: LocalDate,
  expiringWithinDays = 30,
): CourseStatus {
  let latest: LocalDate | null = null;
  for (const c of completions) {
    if (c.collectorId !== collectorId || c.courseId !== course.id || c.completedOn > day) continue;
    if (latest === null || c.completedOn > latest) latest = c.completedOn;
  }
  if (latest === null) {
    return { courseId: course.id, status: 'missing', completedOn: null, expiresOn: null };
  }
  const expiresOn = expiryDate(latest, course.validityMonths);
  const left = expiresOn === null ? Infinity : diffDays(expiresOn, day);
  const status = left < 0 ? 'expired' : left <= expiringWithinDays ? 'expiring' : 'valid';
  return { courseId: course.id, status, completedOn: latest, expiresOn };
}

/** One collector's status in every course, in the courses' order. */
export function trainingStatus(
  collectorId: string,
  courses: readonly Course[],
  completions: readonly Completion[],
  day: LocalDate,
  expiringWithinDays = 30,
): CourseStatus[] {
  return courses.map((c) => courseStatus(collectorId, c, completions, day, expiringWithinDays));
}

export type CallPermission =
  { allowed: true } | { allowed: false; blocking: CourseStatus[]; reason: string };

/**
 * Whether the collector may take calls on `day`: not when a compliance course is expired or
 * missing (expiring still counts as valid). The reason names each blocking course.
 */
export function mayTakeCalls(
  collectorId: string,
  courses: readonly Course[],
  completions: readonly Completion[],
  day: LocalDate,
): CallPermission {
  const blocking = trainingStatus(
    collectorId,
    courses.filter((c) => c.compliance),
    completions,
    day,
  ).filter((s) => s.status === 'expired' || s.status === 'missing');
  if (blocking.length === 0) return { allowed: true };
  const reason = blocking
    .map((s) =>
      s.status === 'missing'
        ? `compliance course ${s.courseId} not completed`
        : `compliance course ${s.courseId} expired on ${s.expiresOn}`,
    )
    .join('; ');
  return { allowed: false, blocking, reason };
}
