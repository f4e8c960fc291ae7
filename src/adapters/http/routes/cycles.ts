/** The daily cycle's progress: a day's partitions, for the console. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../../app/shared/errors.ts';
import type { Platform } from '../../platform.ts';
import { DateString, ErrorBody, Nullable } from '../schemas.ts';
import { READERS } from '../guard.ts';

const Instant = Type.String({ format: 'date-time' });

const Partition = Type.Object({
  part: Type.Integer(),
  afterId: Type.Integer({ description: 'the range of account ids is (afterId, upToId]' }),
  upToId: Nullable(Type.Integer()),
  planned: Type.Integer({ description: 'accounts in the range when the day was prepared' }),
  state: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('done')]),
  worker: Nullable(Type.String()),
  attempts: Type.Integer(),
  startedAt: Nullable(Instant),
  finishedAt: Nullable(Instant),
  durationMs: Nullable(Type.Integer()),
  accounts: Nullable(Type.Integer()),
  transitions: Nullable(Type.Integer()),
  actions: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
});

const DayStatus = Type.Object({
  asOf: DateString,
  state: Type.Union([Type.Literal('running'), Type.Literal('done')]),
  partitions: Type.Integer(),
  done: Type.Integer(),
  startedAt: Instant,
  finishedAt: Nullable(Instant),
  parts: Type.Array(Partition),
});

export function cycleRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/cycles/latest/status',
      {
        config: { roles: READERS },
        schema: {
          tags: ['portfolio'],
          summary: 'The latest day prepared: the one running, or else the last cycled',
          response: { 200: DayStatus, 404: ErrorBody },
        },
      },
      async () => {
        const s = await p.cycles.status();
        if (!s) throw notFound('a prepared cycle');
        return s;
      },
    );
    app.get(
      '/cycles/:date/status',
      {
        config: { roles: READERS },
        schema: {
          tags: ['portfolio'],
          summary: "A day's cycle: its partitions, done of all, each one's worker and time",
          params: Type.Object({ date: DateString }),
          response: { 200: DayStatus, 404: ErrorBody },
        },
      },
      async (req) => {
        const s = await p.cycles.status(req.params.date);
        if (!s) throw notFound(`the cycle of ${req.params.date}`);
        return s;
      },
    );
  };
}
