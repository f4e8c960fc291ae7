/**
 * Administration and compliance configuration: the rule sets in force and whom they govern,
 * the contact calendars (holidays and quiet days), teams with their members, and the field
 * agents' territories. Every PUT has a GET at the same address, so the audit log records what
 * each change replaced.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  jurisdictionOrThrow,
  replaceCalendar,
  replaceTeams,
  replaceTerritories,
  ruleSetsInForce,
  territories,
} from '../../../app/admin/admin.ts';
import { SqlAdminStore } from '../../storage/admin-store.ts';
import type { Platform } from '../../platform.ts';
import { DateString, ErrorBody, Nullable } from '../schemas.ts';
import { ADMIN, COMPLIANCE, READERS } from '../guard.ts';

const errors = { 400: ErrorBody, 403: ErrorBody, 409: ErrorBody };
const Counts = Type.Record(Type.String(), Type.Integer());
const Rows = (name: string) =>
  Type.Object(
    { [name]: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 5000 }) },
    { additionalProperties: false },
  );

const RuleSet = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  jurisdictions: Type.Array(Type.String()),
  contactHours: Type.Object({
    from: Type.String(),
    to: Type.String(),
    channels: Type.Array(Type.String()),
  }),
  limits: Type.Object({
    callsPer7Days: Nullable(Type.Integer()),
    quietDaysAfterConversation: Nullable(Type.Integer()),
    connectedCallsPerDay: Nullable(Type.Integer()),
    unansweredPerNumberPerDay: Nullable(Type.Integer()),
  }),
  rules: Type.Array(Type.String()),
  sources: Type.Array(Type.String()),
  customers: Counts,
});
const Day = Type.Object({
  day: DateString,
  kind: Type.String({ description: 'holiday or quiet' }),
  name: Type.String(),
});
const Calendar = Type.Object({ jurisdiction: Type.String(), days: Type.Array(Day) });
const Teams = Type.Object({
  teams: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      supervisor: Nullable(Type.String()),
      members: Type.Array(Type.String()),
    }),
  ),
});
const Territories = Type.Object({
  territories: Type.Array(
    Type.Object({
      territory: Type.String(),
      capacity: Type.Integer({ description: 'visits a day of its active agents' }),
      agents: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          capacity: Type.Integer(),
          base: Type.Object({ lat: Type.Number(), lon: Type.Number() }),
          radiusKm: Type.Integer(),
          shiftStart: Type.String(),
          shiftEnd: Type.String(),
          languages: Type.Array(Type.String()),
          active: Type.Boolean(),
        }),
      ),
    }),
  ),
});
const JurisdictionParams = Type.Object({ jurisdiction: Type.String() });

export function adminRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const store = new SqlAdminStore(p.db);

    app.get(
      '/compliance/rule-sets',
      {
        config: { roles: READERS },
        schema: {
          tags: ['compliance'],
          summary:
            'The rule sets in force: contact hours, limits, rules, sources, the jurisdictions ' +
            'each is chosen for and the customers it governs; calendars per jurisdiction',
          response: {
            200: Type.Object({
              ruleSets: Type.Array(RuleSet),
              uncovered: Counts,
              calendars: Type.Record(
                Type.String(),
                Type.Object({
                  days: Type.Integer(),
                  from: Nullable(DateString),
                  to: Nullable(DateString),
                }),
              ),
            }),
          },
        },
      },
      async () => ruleSetsInForce(store),
    );

    app.get(
      '/holidays',
      {
        config: { roles: READERS },
        schema: {
          tags: ['compliance'],
          summary: 'Holidays and quiet days of every jurisdiction: no contact is made on them',
          response: {
            200: Type.Object({ calendars: Type.Record(Type.String(), Type.Array(Day)) }),
          },
        },
      },
      async () => ({ calendars: await store.calendars() }),
    );

    app.get(
      '/holidays/:jurisdiction',
      {
        config: { roles: READERS },
        schema: {
          tags: ['compliance'],
          summary: "One jurisdiction's holidays and quiet days",
          params: JurisdictionParams,
          response: { 200: Calendar, ...errors },
        },
      },
      async (req) => {
        const j = jurisdictionOrThrow(req.params.jurisdiction);
        return { jurisdiction: j, days: (await store.calendars())[j] ?? [] };
      },
    );

    app.put(
      '/holidays/:jurisdiction',
      {
        config: {
          roles: COMPLIANCE,
          audit: {
            entityId: (req) =>
              String((req.params as { jurisdiction: string }).jurisdiction).toUpperCase(),
          },
        },
        schema: {
          tags: ['compliance'],
          summary: "Replace a jurisdiction's holidays and quiet days (errors name the row)",
          params: JurisdictionParams,
          body: Rows('days'),
          response: { 200: Calendar, ...errors },
        },
      },
      async (req) =>
        replaceCalendar(
          store,
          req.params.jurisdiction,
          req.body as { days: Record<string, unknown>[] },
        ),
    );

    app.get(
      '/teams',
      {
        config: { roles: READERS },
        schema: {
          tags: ['administration'],
          summary: 'Teams with their supervisor and member collectors',
          response: { 200: Teams },
        },
      },
      async () => ({ teams: await store.teams() }),
    );

    app.put(
      '/teams',
      {
        config: { roles: ADMIN },
        schema: {
          tags: ['administration'],
          summary:
            'Add or change teams; the members given are exactly the team’s (errors name the row)',
          body: Rows('teams'),
          response: { 200: Teams, ...errors },
        },
      },
      async (req) => replaceTeams(store, req.body as { teams: Record<string, unknown>[] }),
    );

    app.get(
      '/territories',
      {
        config: { roles: READERS },
        schema: {
          tags: ['administration'],
          summary: "Field territories: each territory's agents, bases, radius, shifts, capacity",
          response: { 200: Territories },
        },
      },
      async () => territories(store),
    );

    app.put(
      '/territories',
      {
        config: { roles: ADMIN },
        schema: {
          tags: ['administration'],
          summary:
            'Replace the field agents and their territories (agents left out become inactive)',
          body: Rows('agents'),
          response: { 200: Territories, ...errors },
        },
      },
      async (req) => replaceTerritories(store, req.body as { agents: Record<string, unknown>[] }),
    );
  };
}
