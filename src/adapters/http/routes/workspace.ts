/**
 * The collector's workspace over HTTP: "next account", releasing and deferring a task, the
 * collector's own list; what supervisors do (tasks added, moved, accounts given to a
 * collector, the queues' state, collectors and teams, call scripts, the policy).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  addTask,
  assignAccount,
  completeReview,
  moveTasks,
  nextTask,
  prepareQueues,
  releaseTask,
  saveCallScript,
  setCollectors,
  setWorkspacePolicy,
  type NextTask,
} from '../../../app/workspace/workspace.ts';
import { invalid } from '../../../app/shared/errors.ts';
import { isLocalDate } from '../../../domain/time/date.ts';
import { ASSIGNMENT_METHODS } from '../../../domain/workspace/policy.ts';
import { workspaceDeps, type Platform } from '../../platform.ts';
import { actorOf } from '../actor.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { AGENTS, DESK, MANAGERS, OVERSIGHT, READERS, SUPERVISORS } from '../guard.ts';

const DeskTaskBody = Type.Object({
  id: Type.Integer(),
  source: Type.String({ description: 'strategy, broken_promise, callback, supervisor, review' }),
  queue: Type.String(),
  state: Type.String(),
  dueOn: Type.String(),
  dueAt: Nullable(Type.String()),
  value: Type.Integer({ description: 'Expected value: minor units per hour of work' }),
  amountAtRisk: Nullable(Type.Integer()),
  payProbability: Nullable(Type.Number()),
  reason: Nullable(Type.String()),
  lockedUntil: Nullable(Type.String()),
  assignee: Nullable(Type.String()),
  segmentId: Nullable(Type.String()),
  account: Type.Object({
    id: Type.String(),
    product: Type.String(),
    currency: Type.String(),
    outstanding: Nullable(Type.Integer()),
    arrears: Nullable(Type.Integer()),
    pastDueDays: Nullable(Type.Integer()),
    bucket: Nullable(Type.String()),
  }),
  customer: Type.Object({
    id: Type.String(),
    name: Type.String(),
    phone: Nullable(Type.String()),
    language: Type.String(),
    timezone: Type.String(),
    jurisdiction: Type.String(),
  }),
});

const Next = Type.Object({
  task: Nullable(DeskTaskBody),
  held: Type.Boolean({ description: 'The task the collector already held' }),
  script: Nullable(Type.Object({ title: Type.String(), body: Type.String() })),
});

const Policy = Type.Object({
  assignment: Type.String({ description: ASSIGNMENT_METHODS.join(', ') }),
  lockMinutes: Type.Integer(),
  deferMinutes: Type.Integer(),
  callMinutes: Type.Integer(),
  attemptPenaltyPercent: Type.Integer(),
  unscoredPayPermille: Type.Integer(),
  callbackLeadMinutes: Type.Integer(),
});

const Collector = Type.Object({
  id: Type.String(),
  name: Type.String(),
  team: Nullable(Type.String()),
  queues: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  buckets: Type.Array(Type.String()),
  skills: Type.Array(Type.String()),
  territory: Nullable(Type.String()),
  capacity: Type.Integer(),
  active: Type.Boolean(),
});

const Team = Type.Object({
  id: Type.String(),
  name: Type.String(),
  supervisor: Nullable(Type.String()),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const presentNext = (n: NextTask) => ({
  ...n,
  task: n.task
    ? { ...n.task, dueAt: iso(n.task.dueAt), lockedUntil: iso(n.task.lockedUntil) }
    : null,
});

export function workspaceRoutes(p: Platform, o: { companyName: string }): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = workspaceDeps(p, o.companyName);
    const day = (q: string | undefined) => {
      if (q !== undefined && !isLocalDate(q))
        throw invalid('the day is not valid', [{ at: 'querystring.day', reason: 'is not a date' }]);
      return q ?? p.today();
    };

    app.post(
      '/desk/next',
      {
        config: { roles: DESK, audit: false },
        schema: {
          tags: ['desk'],
          summary:
            'The best task the calling collector may take now, locked for it (the same one again while it holds it)',
          response: { 200: Next, 400: ErrorBody, 404: ErrorBody, 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => presentNext(await nextTask(deps, actorOf(req).user, p.today(), p.clock.now())),
    );

    app.post(
      '/desk/tasks/:id/release',
      {
        config: { roles: DESK, audit: false },
        schema: {
          tags: ['desk'],
          summary:
            "Give a held task back (deferred: not offered again for the policy's defer time)",
          params: Type.Object({ id: Type.Integer() }),
          body: Type.Object(
            {
              defer: Type.Optional(Type.Boolean()),
              reason: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (req, reply) => {
        await releaseTask(deps, req.params.id, actorOf(req).user, req.body ?? {}, p.clock.now());
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/desk/tasks',
      {
        config: { roles: DESK },
        schema: {
          tags: ['desk'],
          summary: "The calling collector's tasks: calls (default) or reviews",
          querystring: Type.Object({
            kind: Type.Optional(Type.String({ description: 'call or review' })),
            state: Type.Optional(Type.String()),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
        },
      },
      async (req) => ({
        tasks: await p.tasks.tasks({
          kind: req.query.kind === 'review' ? 'review' : 'call',
          assignee: actorOf(req).user,
          limit: req.query.limit ?? 100,
          afterId: req.query.after ?? 0,
          ...(req.query.state ? { state: req.query.state } : {}),
        }),
      }),
    );

    app.post(
      '/tasks',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['tasks'],
          summary: 'Add a call task for an account (supervisors)',
          body: Type.Object(
            {
              account: Type.String({ minLength: 1 }),
              dueOn: Type.Optional(Type.String({ description: 'YYYY-MM-DD (default today)' })),
              dueAt: Type.Optional(Type.String({ description: 'A time to call (ISO 8601)' })),
              assignee: Type.Optional(Type.String()),
              team: Type.Optional(Type.String()),
              reason: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ id: Type.Integer() }),
            400: ErrorBody,
            404: ErrorBody,
            403: ErrorBody,
            409: ErrorBody,
          },
        },
      },
      async (req, reply) => {
        const id = await addTask(
          deps,
          actorOf(req),
          req.body,
          'supervisor',
          p.today(),
          p.clock.now(),
        );
        return reply.code(201).send({ id });
      },
    );

    app.post(
      '/tasks/:id/complete',
      {
        config: { roles: AGENTS },
        schema: {
          tags: ['tasks'],
          summary: 'Close a review (a plan to approve, a hardship or dispute to look at)',
          params: Type.Object({ id: Type.Integer() }),
          body: Type.Object(
            {
              outcome: Type.String({ minLength: 1, maxLength: 200 }),
              notes: Type.Optional(Type.String({ maxLength: 4000 })),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), 400: ErrorBody, 409: ErrorBody },
        },
      },
      async (req, reply) => {
        await completeReview(deps, actorOf(req), req.params.id, req.body, p.clock.now());
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/tasks/move',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['tasks'],
          summary: "Move open call tasks to a collector or a team's pool (supervisors)",
          body: Type.Object(
            {
              tasks: Type.Array(Type.Integer(), { minItems: 1, maxItems: 10_000 }),
              collector: Type.Optional(Type.String()),
              team: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ moved: Type.Integer() }),
            400: ErrorBody,
            404: ErrorBody,
            403: ErrorBody,
            409: ErrorBody,
          },
        },
      },
      async (req) => ({
        moved: await moveTasks(deps, actorOf(req), req.body.tasks, req.body, p.clock.now()),
      }),
    );

    app.put(
      '/accounts/:id/owner',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['tasks'],
          summary:
            'Give an account to a collector: its open call tasks, now and later (supervisors)',
          params: Type.Object({ id: Type.String() }),
          body: Type.Object(
            { collector: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ moved: Type.Integer() }),
            404: ErrorBody,
            403: ErrorBody,
            409: ErrorBody,
          },
        },
      },
      async (req) =>
        assignAccount(deps, actorOf(req), req.params.id, req.body.collector, p.clock.now()),
    );

    app.get(
      '/tasks/:id/events',
      {
        config: { roles: READERS },
        schema: {
          tags: ['tasks'],
          summary: 'Everything that happened to a task, by whom',
          params: Type.Object({ id: Type.Integer() }),
        },
      },
      async (req) => ({ events: await p.workspace.events(req.params.id) }),
    );

    app.get(
      '/queues',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['desk'],
          summary: "The day's call tasks by queue, collector and state, with their value",
          querystring: Type.Object({ day: Type.Optional(Type.String()) }),
        },
      },
      async (req) => ({
        day: day(req.query.day),
        rows: await p.workspace.summary(day(req.query.day)),
      }),
    );

    app.post(
      '/queues/prepare',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['desk'],
          summary: "Set the day's call tasks in their queues again: values, hours, collectors",
          querystring: Type.Object({ day: Type.Optional(Type.String()) }),
        },
      },
      async (req) => prepareQueues(deps, { day: day(req.query.day) }, p.clock.now()),
    );

    app.get(
      '/collectors',
      {
        config: { roles: READERS },
        schema: {
          tags: ['desk'],
          summary: 'Collectors and teams',
          response: {
            200: Type.Object({ collectors: Type.Array(Collector), teams: Type.Array(Team) }),
          },
        },
      },
      async () => ({
        collectors: (await p.workspace.collectors()).map((c) => ({
          ...c,
          queues: [...c.queues],
          languages: [...c.languages],
          buckets: [...c.buckets],
          skills: [...c.skills],
        })),
        teams: await p.workspace.teams(),
      }),
    );

    app.put(
      '/collectors',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['desk'],
          summary: 'Add or change collectors and teams (supervisors); errors name the row',
          body: Type.Object(
            {
              collectors: Type.Array(Type.Object({}, { additionalProperties: true })),
              teams: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ collectors: Type.Integer(), teams: Type.Integer() }),
            400: ErrorBody,
            403: ErrorBody,
            409: ErrorBody,
          },
        },
      },
      async (req) => setCollectors(deps, actorOf(req), req.body),
    );

    app.get(
      '/call-scripts',
      {
        config: { roles: READERS },
        schema: { tags: ['desk'], summary: 'Call scripts per segment and language' },
      },
      async () => ({ scripts: await p.workspace.scripts() }),
    );

    app.put(
      '/call-scripts',
      {
        config: { roles: MANAGERS },
        schema: {
          tags: ['desk'],
          summary: 'Add or change the call script of a segment (* for any) and language',
          body: Type.Object(
            {
              segment: Type.String(),
              language: Type.String(),
              title: Type.String(),
              body: Type.String({ maxLength: 20_000 }),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (req, reply) => {
        await saveCallScript(deps, actorOf(req), req.body, p.clock.now());
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/workspace/policy',
      {
        config: { roles: READERS },
        schema: { tags: ['desk'], summary: 'The workspace policy', response: { 200: Policy } },
      },
      async () => p.workspace.policy(),
    );

    app.put(
      '/workspace/policy',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['desk'],
          summary: 'Set the workspace policy (missing settings take the defaults)',
          body: Type.Object({}, { additionalProperties: true }),
          response: { 200: Policy, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => setWorkspacePolicy(deps, actorOf(req), req.body),
    );
  };
}
