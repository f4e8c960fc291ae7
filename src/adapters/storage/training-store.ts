/** Training courses and completions on the database: the store of app/training. */
import type {
  CompletionResult,
  StoredCompletion,
  StoredCourse,
  Trainee,
  TrainingStore,
} from '../../app/training/ports.ts';
import type { Completion } from '../../domain/training/status.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { toDay, type Database } from './sql-client.ts';

interface CompletionRow {
  id: number | string;
  collector: string;
  course_id: string;
  completed_on: unknown;
  recorded_by: string;
}

const toCompletion = (r: CompletionRow): StoredCompletion => ({
  id: Number(r.id),
  collectorId: r.collector,
  courseId: r.course_id,
  completedOn: toDay(r.completed_on)!,
  recordedBy: r.recorded_by,
});

export class SqlTrainingStore implements TrainingStore {
  constructor(private readonly db: Database) {}

  async courses(): Promise<StoredCourse[]> {
    const r = await this.db.query<{
      id: string;
      title: string;
      compliance: boolean;
      validity_months: number | null;
    }>('SELECT id, title, compliance, validity_months FROM training_courses ORDER BY id');
    return r.rows.map((c) => ({
      id: c.id,
      title: c.title,
      compliance: c.compliance,
      validityMonths: c.validity_months,
    }));
  }

  async saveCourse(c: StoredCourse, by: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO training_courses (id, title, compliance, validity_months, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz)
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, compliance = excluded.compliance,
         validity_months = excluded.validity_months, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
      [c.id, c.title, c.compliance, c.validityMonths, by, at.toISOString()],
    );
  }

  async completions(day: LocalDate, collectors?: readonly string[]): Promise<StoredCompletion[]> {
    const r = await this.db.query<CompletionRow>(
      `SELECT id, collector, course_id, completed_on, recorded_by FROM training_completions
       WHERE completed_on <= $1::date AND ($2::text[] IS NULL OR collector = ANY($2::text[]))
       ORDER BY collector, course_id, completed_on`,
      [day, collectors ? [...collectors] : null],
    );
    return r.rows.map(toCompletion);
  }

  addCompletion(c: Completion, by: string, at: Date): Promise<CompletionResult> {
    return this.db.transaction(async (tx) => {
      const k = await tx.query<{ collector: string | null; course: string | null }>(
        `SELECT (SELECT id FROM collectors WHERE id = $1) AS collector,
                (SELECT id FROM training_courses WHERE id = $2) AS course`,
        [c.collectorId, c.courseId],
      );
      if (k.rows[0]!.collector === null) return { missing: 'collector' as const };
      if (k.rows[0]!.course === null) return { missing: 'course' as const };
      const ins = await tx.query<CompletionRow>(
        `INSERT INTO training_completions (collector, course_id, completed_on, recorded_by, recorded_at)
         VALUES ($1, $2, $3::date, $4, $5::timestamptz)
         ON CONFLICT (collector, course_id, completed_on) DO NOTHING
         RETURNING id, collector, course_id, completed_on, recorded_by`,
        [c.collectorId, c.courseId, c.completedOn, by, at.toISOString()],
      );
      if (ins.rows[0]) return { completion: toCompletion(ins.rows[0]), created: true };
      const old = await tx.query<CompletionRow>(
        `SELECT id, collector, course_id, completed_on, recorded_by FROM training_completions
         WHERE collector = $1 AND course_id = $2 AND completed_on = $3::date`,
        [c.collectorId, c.courseId, c.completedOn],
      );
      return { completion: toCompletion(old.rows[0]!), created: false };
    });
  }

  async collectors(): Promise<Trainee[]> {
    const r = await this.db.query<Trainee>(
      'SELECT id, name, team, active FROM collectors ORDER BY id',
    );
    return r.rows;
  }
}
