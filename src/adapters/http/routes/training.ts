/**
 * Training over HTTP: the courses, completions, and every collector's status (a collector
 * whose compliance training has expired or is missing takes no calls until it is renewed).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordCompletion, saveCourse, trainingReport } from '../../../app/training/training.ts';
import { invalid } from '../../../app/shared/errors.ts';
import { isLocalDate } from '../../../domain/time/date.ts';
import { trainingDeps, type Platform } from '../../platform.ts';
import { actorOf } from '../actor.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { PERFORMANCE_READERS, SUPERVISORS } from '../guard.ts';

const Course = Type.Object({
  id: Type.String(),
  title: Type.String(),
  compliance: Type.Boolean({ description: 'Needed before taking calls' }),
  validityMonths: Nullable(Type.Integer({ description: 'null: never expires' })),
});

const Completion = Type.Object({
  id: Type.Integer(),
  collectorId: Type.String(),
  courseId: Type.String(),
  completedOn: Type.String(),
  recordedBy: Type.String(),
});

const CourseStatus = Type.Object({
  courseId: Type.String(),
  title: Type.String(),
  compliance: Type.Boolean(),
  status: Type.String({ description: 'valid, expiring, expired or missing' }),
  completedOn: Nullable(Type.String()),
  expiresOn: Nullable(Type.String({ description: 'The last valid day' })),
});

export function trainingRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = trainingDeps(p);
    const day = (d: string | undefined) => {
      if (d !== undefined && !isLocalDate(d))
        throw invalid('the day is not valid', [{ at: 'querystring.day', reason: 'is not a date' }]);
      return d ?? p.today();
    };

    app.get(
      '/training/courses',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['training'],
          summary: 'The training courses',
          response: { 200: Type.Object({ courses: Type.Array(Course) }) },
        },
      },
      async () => ({ courses: await p.training.courses() }),
    );

    app.post(
      '/training/courses',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['training'],
          summary: 'Add a course, or change one by its id',
          body: Type.Object(
            {
              id: Type.String(),
              title: Type.String(),
              compliance: Type.Boolean(),
              validityMonths: Type.Optional(Nullable(Type.Integer())),
            },
            { additionalProperties: false },
          ),
          response: { 201: Course, 400: ErrorBody },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await saveCourse(deps, req.body, actorOf(req).user, p.clock.now())),
    );

    app.get(
      '/training/completions',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['training'],
          summary: 'Completions recorded up to today (of one collector)',
          querystring: Type.Object({ collector: Type.Optional(Type.String()) }),
          response: { 200: Type.Object({ completions: Type.Array(Completion) }) },
        },
      },
      async (req) => ({
        completions: await p.training.completions(
          p.today(),
          req.query.collector === undefined ? undefined : [req.query.collector],
        ),
      }),
    );

    app.post(
      '/training/completions',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['training'],
          summary:
            'Record that a collector completed a course on a day (201; 200 when recorded already)',
          body: Type.Object(
            {
              collector: Type.String({ minLength: 1 }),
              course: Type.String({ minLength: 1 }),
              completedOn: Type.String({ description: 'YYYY-MM-DD, not after today' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Completion, 201: Completion, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const r = await recordCompletion(
          deps,
          req.body,
          actorOf(req).user,
          p.today(),
          p.clock.now(),
        );
        return reply.code(r.created ? 201 : 200).send(r.completion);
      },
    );

    app.get(
      '/training/status',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['training'],
          summary:
            "Each collector's status in each course on a day, and whether they may take calls",
          querystring: Type.Object({
            day: Type.Optional(Type.String({ description: 'YYYY-MM-DD (default today)' })),
            collector: Type.Optional(Type.String()),
          }),
          response: {
            200: Type.Object({
              day: Type.String(),
              courses: Type.Array(Course),
              collectors: Type.Array(
                Type.Object({
                  id: Type.String(),
                  name: Type.String(),
                  team: Nullable(Type.String()),
                  active: Type.Boolean(),
                  mayTakeCalls: Type.Boolean(),
                  reason: Nullable(Type.String()),
                  courses: Type.Array(CourseStatus),
                }),
              ),
            }),
            400: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (req) => trainingReport(deps, day(req.query.day), req.query.collector),
    );
  };
}
