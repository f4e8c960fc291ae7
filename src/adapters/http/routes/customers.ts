/**
 * The customer file over HTTP: search, the file (masked unless `unmask=true` by a role that
 * may, each such view recorded), its timeline, the repayment habits, and the changes staff
 * make to contact points, addresses, financials, tags and notes. `:id` is the customer's id.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  addAddress,
  addContactPoint,
  addNote,
  addTag,
  changeAddress,
  changeContactPoint,
  customerFile,
  customerHabits,
  customerTimeline,
  removeAddress,
  removeContactPoint,
  removeNote,
  removeTag,
  searchCustomers,
  setFinancials,
} from '../../../app/customers/customers.ts';
import {
  ADDRESS_TYPES,
  CONTACT_KINDS,
  CONTACT_TYPES,
  INCOME_PERIODS,
  TIMELINE_KINDS,
} from '../../../domain/customers/file.ts';
import { maskSearchText } from '../../../domain/customers/masking.ts';
import type { Platform } from '../../platform.ts';
import type { Actor } from '../../../domain/access/roles.ts';
import type {
  Address as StoredAddress,
  ContactPoint as StoredPoint,
} from '../../../app/customers/ports.ts';
import { actorOf } from '../actor.ts';
import { FRONT_LINE } from '../scope.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { ADMIN, AGENTS, READERS } from '../guard.ts';
import { eraseCustomer } from '../../../app/customers/erasure.ts';

const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const removed = { 204: Type.Null(), ...errors };
const Id = Type.Object({ id: Type.String({ description: "The customer's id" }) });
const Unmask = Type.Optional(
  Type.Boolean({
    description: 'Show personal data in full (roles that may; the view is recorded)',
  }),
);
const Any = Type.Object({}, { additionalProperties: true });

const ContactPoint = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ description: CONTACT_KINDS.join(', ') }),
  value: Type.String(),
  type: Type.String({ description: CONTACT_TYPES.join(', ') }),
  primary: Type.Boolean({ description: 'The one the channels use' }),
  verified: Type.Boolean(),
  consentOn: Nullable(Type.String()),
  optedOutOn: Nullable(Type.String()),
  source: Type.String(),
  updatedAt: Type.String(),
});

const Address = Type.Object({
  id: Type.Integer(),
  type: Type.String({ description: ADDRESS_TYPES.join(', ') }),
  line: Type.String(),
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  primary: Type.Boolean(),
  source: Type.String(),
  updatedAt: Type.String(),
});

const Financials = Type.Object({
  employer: Nullable(Type.String()),
  occupation: Nullable(Type.String()),
  incomeMinor: Nullable(Type.Integer({ description: 'In minor units of the income currency' })),
  incomeCurrency: Nullable(Type.String()),
  incomePeriod: Nullable(Type.String({ description: INCOME_PERIODS.join(', ') })),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

const Note = Type.Object({
  id: Type.Integer(),
  account: Nullable(Type.String()),
  body: Type.String(),
  writtenBy: Type.String(),
  writtenAt: Type.String(),
});

const Account = Type.Object({
  id: Type.String(),
  product: Type.String(),
  currency: Type.String(),
  principalMinor: Type.Integer(),
  openedOn: Type.String(),
  state: Nullable(
    Type.Object({
      outstandingMinor: Type.Integer(),
      arrearsMinor: Type.Integer(),
      creditMinor: Type.Integer(),
      pastDueDays: Type.Integer(),
      delinquentDays: Type.Integer(),
      bucket: Type.String(),
      ageing: Type.Record(Type.String(), Type.Integer()),
      nextDueDate: Nullable(Type.String()),
      lastPaidOn: Nullable(Type.String()),
      onHold: Type.Boolean(),
    }),
  ),
  scores: Type.Array(
    Type.Object({
      purpose: Type.String(),
      points: Type.Integer(),
      probability: Type.Number(),
      band: Type.String(),
      reasons: Type.Array(Type.String()),
      changedOn: Type.String(),
    }),
  ),
  tier: Nullable(
    Type.Object({ tier: Type.String(), purpose: Type.String(), changedOn: Type.String() }),
  ),
  segment: Nullable(Type.String()),
  holds: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      from: Type.String(),
      to: Nullable(Type.String()),
      note: Nullable(Type.String()),
    }),
  ),
});

const File = Type.Object({
  id: Type.String(),
  masked: Type.Boolean(),
  name: Type.String(),
  language: Type.String(),
  timezone: Type.String(),
  jurisdiction: Type.String(),
  doNotContact: Type.Boolean(),
  phones: Type.Array(ContactPoint),
  emails: Type.Array(ContactPoint),
  addresses: Type.Array(Address),
  financials: Nullable(Financials),
  accounts: Type.Array(Account),
  tags: Type.Array(Type.String()),
  notes: Type.Array(Note),
  optOuts: Type.Array(
    Type.Object({
      channel: Type.String(),
      recipient: Nullable(Type.String({ description: 'Null: the whole channel' })),
      since: Type.String(),
      source: Type.String(),
    }),
  ),
  erased: Nullable(
    Type.Object(
      { at: Type.String(), by: Type.String(), reason: Type.String() },
      { description: "When the customer's personal data was erased on request" },
    ),
  ),
});

const Hit = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  address: Nullable(Type.String()),
  accounts: Type.Array(Type.String()),
});

const Entry = Type.Object({
  at: Type.String(),
  kind: Type.String({ description: TIMELINE_KINDS.join(', ') }),
  account: Nullable(Type.String()),
  key: Type.String(),
  summary: Type.String(),
  detail: Any,
});

const PointBody = Type.Object(
  {
    kind: Type.Optional(Type.String({ description: CONTACT_KINDS.join(', ') })),
    value: Type.Optional(Type.String({ maxLength: 200 })),
    type: Type.Optional(Type.String({ description: CONTACT_TYPES.join(', ') })),
    primary: Type.Optional(Type.Boolean()),
    verified: Type.Optional(Type.Boolean()),
    consentOn: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD' }))),
    optedOutOn: Type.Optional(
      Nullable(Type.String({ description: 'YYYY-MM-DD; the channels stop using it' })),
    ),
  },
  { additionalProperties: false },
);

const AddressBody = Type.Object(
  {
    type: Type.Optional(Type.String({ description: ADDRESS_TYPES.join(', ') })),
    line: Type.Optional(Type.String({ maxLength: 500 })),
    latitude: Type.Optional(Nullable(Type.Number())),
    longitude: Type.Optional(Nullable(Type.Number())),
    primary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const FinancialsBody = Type.Object(
  {
    employer: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    occupation: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    income: Type.Optional(Nullable(Type.String({ description: 'In major units, e.g. "4500.00"' }))),
    incomeCurrency: Type.Optional(Nullable(Type.String())),
    incomePeriod: Type.Optional(Nullable(Type.String({ description: INCOME_PERIODS.join(', ') }))),
  },
  { additionalProperties: false },
);

/** A request's URL as logs show it: a customer search's text masked. */
export function maskedUrl(url: string): string {
  const [path, query] = url.split('?', 2) as [string, string | undefined];
  if (query === undefined || !/^\/api\/customers\/?$/.test(path)) return url;
  const params = new URLSearchParams(query);
  const q = params.get('q');
  if (q !== null) params.set('q', maskSearchText(q));
  return `${path}?${params.toString()}`;
}

export function customerRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = { customers: p.customers, policies: p.policies, clock: p.clock };
    const tags = ['customers'];

    app.get(
      '/customers',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary: 'Search customers by name, phone, email, customer id or account id (masked)',
          querystring: Type.Object({
            q: Type.Optional(Type.String({ maxLength: 200 })),
            cursor: Type.Optional(Type.String({ description: '`next` of the previous page' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(Hit), next: Nullable(Type.String()) }),
            400: ErrorBody,
          },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        return searchCustomers(
          deps,
          req.query,
          FRONT_LINE.has(actor.role) ? actor.user : undefined,
        );
      },
    );

    app.get(
      '/customers/:id',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary:
            "A customer's file: identity, contact points, addresses, financials, accounts with " +
            'their state, scores, tier and holds, tags and notes',
          params: Id,
          querystring: Type.Object({ unmask: Unmask }),
          response: { 200: File, ...errors },
        },
      },
      async (req) => customerFile(deps, req.params.id, actorOf(req), req.query.unmask),
    );

    app.get(
      '/customers/:id/timeline',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary: 'Everything that happened to a customer, newest first',
          params: Id,
          querystring: Type.Object({
            kinds: Type.Optional(
              Type.String({ description: `Comma-separated: ${TIMELINE_KINDS.join(', ')}` }),
            ),
            cursor: Type.Optional(Type.String({ description: '`next` of the previous page' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            unmask: Unmask,
          }),
          response: {
            200: Type.Object({
              items: Type.Array(Entry),
              next: Nullable(Type.String()),
              masked: Type.Boolean(),
            }),
            ...errors,
          },
        },
      },
      async (req) => customerTimeline(deps, req.params.id, actorOf(req), req.query),
    );

    app.get(
      '/customers/:id/habits',
      {
        config: { roles: READERS },
        schema: {
          tags,
          summary: 'Repayment habits derived from the history of all the customer’s accounts',
          params: Id,
          response: { 200: Any, ...errors },
        },
      },
      async (req) => customerHabits(deps, req.params.id),
    );

    // contact points and addresses: added, changed and removed alike
    const collections = [
      {
        path: 'contact-points',
        noun: 'contact point',
        add: 'Add a phone or email (the primary one is the one the channels use)',
        change: 'Change a contact point (value, type, verified, consent, opt-out, primary)',
        body: PointBody,
        entry: ContactPoint,
        use: { add: addContactPoint, change: changeContactPoint, remove: removeContactPoint },
      },
      {
        path: 'addresses',
        noun: 'address',
        add: 'Add an address, with its coordinates when known',
        change: 'Change an address (line, type, coordinates, primary)',
        body: AddressBody,
        entry: Address,
        use: { add: addAddress, change: changeAddress, remove: removeAddress },
      },
    ];
    type CollectionEntry = StoredPoint | StoredAddress;
    const EntryId = Type.Object({ id: Type.String(), entryId: Type.Integer() });
    for (const c of collections) {
      const use = c.use as {
        add: (
          ...a: [typeof deps, string, Record<string, unknown>, Actor]
        ) => Promise<CollectionEntry>;
        change: (
          ...a: [typeof deps, string, number, Record<string, unknown>, Actor]
        ) => Promise<CollectionEntry>;
        remove: (...a: [typeof deps, string, number, Actor]) => Promise<void>;
      };
      app.post(
        `/customers/:id/${c.path}`,
        {
          config: { roles: AGENTS },
          schema: {
            tags,
            summary: c.add,
            params: Id,
            body: c.body,
            response: { 201: c.entry, ...errors },
          },
        },
        async (req, reply) =>
          reply.code(201).send(await use.add(deps, req.params.id, req.body, actorOf(req))),
      );
      app.patch(
        `/customers/:id/${c.path}/:entryId`,
        {
          config: { roles: AGENTS },
          schema: {
            tags,
            summary: c.change,
            params: EntryId,
            body: c.body,
            response: { 200: c.entry, ...errors },
          },
        },
        async (req) => use.change(deps, req.params.id, req.params.entryId, req.body, actorOf(req)),
      );
      app.delete(
        `/customers/:id/${c.path}/:entryId`,
        {
          config: { roles: AGENTS },
          schema: {
            tags,
            summary: `Remove ${c.noun === 'address' ? 'an' : 'a'} ${c.noun}`,
            params: EntryId,
            response: removed,
          },
        },
        async (req, reply) => {
          await use.remove(deps, req.params.id, req.params.entryId, actorOf(req));
          return reply.code(204).send(null);
        },
      );
    }

    for (const method of ['post', 'patch'] as const)
      app[method](
        '/customers/:id/financials',
        {
          config: { roles: AGENTS },
          schema: {
            tags,
            summary: 'Set the employer, occupation and income (the fields given; null clears one)',
            params: Id,
            body: FinancialsBody,
            response: { 200: Financials, ...errors },
          },
        },
        async (req) => setFinancials(deps, req.params.id, req.body, actorOf(req)),
      );
    app.delete(
      '/customers/:id/financials',
      {
        config: { roles: AGENTS },
        schema: {
          tags,
          summary: 'Clear the financials',
          params: Id,
          response: { 200: Financials, ...errors },
        },
      },
      async (req) =>
        setFinancials(
          deps,
          req.params.id,
          { employer: null, occupation: null, income: null },
          actorOf(req),
        ),
    );

    app.post(
      '/customers/:id/tags',
      {
        config: { roles: AGENTS },
        schema: {
          tags,
          summary: 'Tag a customer',
          params: Id,
          body: Type.Object({ tag: Type.String() }, { additionalProperties: false }),
          response: { 200: Type.Object({ tag: Type.String(), added: Type.Boolean() }), ...errors },
        },
      },
      async (req) => addTag(deps, req.params.id, req.body.tag, actorOf(req)),
    );
    const TagId = Type.Object({ id: Type.String(), tag: Type.String() });
    app.delete(
      '/customers/:id/tags/:tag',
      {
        config: { roles: AGENTS },
        schema: { tags, summary: 'Remove a tag', params: TagId, response: removed },
      },
      async (req, reply) => {
        await removeTag(deps, req.params.id, req.params.tag, actorOf(req));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/customers/:id/notes',
      {
        config: { roles: AGENTS },
        schema: {
          tags,
          summary: 'Write a note on a customer (or one of their accounts)',
          params: Id,
          body: Type.Object(
            {
              body: Type.String({ maxLength: 4000 }),
              account: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          response: { 201: Note, ...errors },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await addNote(deps, req.params.id, req.body, actorOf(req))),
    );
    const NoteId = Type.Object({ id: Type.String(), noteId: Type.Integer() });
    app.delete(
      '/customers/:id/notes/:noteId',
      {
        config: { roles: AGENTS },
        schema: { tags, summary: 'Remove a note', params: NoteId, response: removed },
      },
      async (req, reply) => {
        await removeNote(deps, req.params.id, req.params.noteId, actorOf(req));
        return reply.code(204).send(null);
      },
    );

    const Erasure = Type.Object({
      customer: Type.String(),
      at: Type.String(),
      by: Type.String(),
      role: Type.String(),
      reason: Type.String(),
    });
    app.post(
      '/customers/:id/erase',
      {
        // the erasure writes its own audit entry, in its transaction
        config: { roles: ADMIN, audit: false },
        schema: {
          tags,
          summary:
            "Erase a customer's personal data on request (the ledger keeps its rows; a second " +
            'erasure changes nothing and says so with erased: false)',
          params: Id,
          body: Type.Object(
            { reason: Type.String({ minLength: 1, maxLength: 500 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              customer: Type.String(),
              erased: Type.Boolean({ description: 'False: erased before; nothing changed now' }),
              erasure: Erasure,
              rowsChanged: Type.Integer(),
            }),
            ...errors,
          },
        },
      },
      async (req) =>
        eraseCustomer(
          { erasures: p.erasures, clock: p.clock },
          req.params.id,
          req.body.reason,
          actorOf(req),
        ),
    );
  };
}
