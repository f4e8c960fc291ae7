/**
 * Dispatch over HTTP: dispatches with their transitions and decisions, call and visit tasks
 * (start, outcome), letters as PDF, Kannel's delivery reports and inbound messages, and the
 * compliance report and audit.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { auditContacts, complianceReport } from '../../../app/compliance/audit.ts';
import { recordOutcome, startTask } from '../../../app/dispatch/tasks.ts';
import { checkPreference, inboundText, isStopReply } from '../../../app/dispatch/preferences.ts';
import { AppError, notFound } from '../../../app/shared/errors.ts';
import { GroupCommit } from '../../../app/shared/group-commit.ts';
import { parseKannelDlr, parseKannelInbound } from '../../channels/kannel.ts';
import { workspaceDeps, type Platform } from '../../platform.ts';
import { renderStoredLetter } from '../../channels/letters.ts';
import { formatDate } from '../../../domain/templates/templates.ts';
import { AGENTS, CONTACT_RULES, OVERSIGHT, READERS, STAFF } from '../guard.ts';

export function dispatchRoutes(p: Platform, settings: { companyName: string }): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const taskDeps = {
      tasks: p.tasks,
      dispatch: p.dispatch,
      promises: p.promises,
      workspace: workspaceDeps(p, settings.companyName),
    };
    // Delivery reports come two a message: those arriving within 5 ms share one transaction,
    // and each request is answered once its report is stored.
    const reports = new GroupCommit(
      (batch: Parameters<typeof p.dispatch.deliveryReports>[0]) =>
        p.dispatch.deliveryReports(batch),
      5,
      200,
    );
    app.addHook('onClose', async () => reports.flush());

    app.get(
      '/dispatches',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['dispatch'],
          summary: "A day's dispatches, by channel and state",
          querystring: Type.Object({
            date: Type.Optional(Type.String({ format: 'date' })),
            state: Type.Optional(Type.String()),
            channel: Type.Optional(Type.String()),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
        },
      },
      async (req) => {
        const q = req.query;
        const f: Parameters<typeof p.channels.dispatches>[0] = {
          date: q.date ?? p.today(),
          after: q.after ?? 0,
          limit: q.limit ?? 100,
        };
        if (q.state) f.state = q.state;
        if (q.channel) f.channel = q.channel;
        return { dispatches: await p.channels.dispatches(f) };
      },
    );

    app.get(
      '/dispatches/:id',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['dispatch'],
          summary: 'A dispatch with its transitions and compliance decisions',
          params: Type.Object({ id: Type.Integer() }),
        },
      },
      async (req) => {
        const d = await p.channels.dispatch(req.params.id);
        if (!d) throw notFound(`dispatch ${req.params.id}`);
        return d;
      },
    );

    app.get(
      '/letters/:id.pdf',
      {
        config: { roles: STAFF },
        schema: {
          tags: ['dispatch'],
          summary: 'The PDF of a letter (by dispatch id)',
          params: Type.Object({ id: Type.Integer() }),
        },
      },
      async (req, reply) => {
        let pdf = await p.channels.letterPdf(req.params.id);
        if (!pdf) {
          const text = await p.channels.letterText(req.params.id);
          if (!text) throw notFound(`letter ${req.params.id}`);
          pdf = await renderStoredLetter(
            { ...text, dateText: formatDate(text.plannedFor, text.language ?? 'en') },
            { name: settings.companyName, address: ['Collections Department'] },
          );
        }
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="letter-${req.params.id}.pdf"`)
          .send(pdf);
      },
    );

    app.get(
      '/tasks',
      {
        config: { roles: READERS },
        schema: {
          tags: ['tasks'],
          summary: 'Call and visit tasks',
          querystring: Type.Object({
            kind: Type.Optional(Type.Union([Type.Literal('call'), Type.Literal('visit')])),
            state: Type.Optional(Type.String()),
            date: Type.Optional(Type.String({ format: 'date' })),
            assignee: Type.Optional(Type.String()),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          }),
        },
      },
      async (req) => {
        const q = req.query;
        const f: Parameters<typeof p.tasks.tasks>[0] = {
          limit: q.limit ?? 100,
          afterId: q.after ?? 0,
        };
        if (q.kind) f.kind = q.kind;
        if (q.state) f.state = q.state;
        if (q.date) f.dueOn = q.date;
        if (q.assignee) f.assignee = q.assignee;
        return { tasks: await p.tasks.tasks(f) };
      },
    );

    app.post(
      '/tasks/:id/start',
      {
        config: { roles: AGENTS },
        schema: {
          tags: ['tasks'],
          summary: 'Start a call or visit now, if the contact rules allow it',
          params: Type.Object({ id: Type.Integer() }),
          body: Type.Object({ by: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        },
      },
      async (req, reply) => {
        const r = await startTask(taskDeps, req.params.id, req.body.by, p.clock.now());
        if (r.decision.decision === 'DENY') {
          return reply.code(409).send({
            code: 'CONFLICT',
            message: 'the contact rules do not allow this contact now',
            details: r.decision.reasons.map((x) => ({ at: x.rule, reason: x.message })),
            nextAllowed: r.decision.nextAllowed ?? null,
          });
        }
        return r;
      },
    );

    app.post(
      '/tasks/:id/outcome',
      {
        config: { roles: AGENTS },
        schema: {
          tags: ['tasks'],
          summary: 'Record the outcome of a started call or visit',
          params: Type.Object({ id: Type.Integer() }),
          body: Type.Object(
            {
              outcome: Type.String(),
              by: Type.String({ minLength: 1 }),
              notes: Type.Optional(Type.String({ maxLength: 4000 })),
              latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
              longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
              promise: Type.Optional(
                Type.Object(
                  { amount: Type.String(), promisedFor: Type.String() },
                  { additionalProperties: false },
                ),
              ),
              callbackAt: Type.Optional(
                Type.String({
                  description: 'The customer asked to be called back then (ISO 8601)',
                }),
              ),
              nextActionOn: Type.Optional(
                Type.String({ description: 'When the collector means to act next (YYYY-MM-DD)' }),
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => ({
        task: await recordOutcome(taskDeps, req.params.id, req.body, p.clock.now()),
      }),
    );

    app.get(
      '/channels/kannel/dlr',
      {
        config: { roles: 'public' },
        schema: { tags: ['channels'], summary: "Kannel's delivery reports (dlr-url)" },
      },
      async (req) => {
        const dlr = parseKannelDlr(req.query as Record<string, string>);
        if (dlr.status !== 'buffered') {
          const to =
            dlr.status === 'delivered'
              ? 'delivered'
              : dlr.status === 'accepted'
                ? 'accepted'
                : 'failed';
          const ok = await reports.add({
            key: dlr.idempotencyKey,
            status: to,
            at: dlr.at ?? p.clock.now(),
            reason: `delivery report ${dlr.code}: ${dlr.detail}`,
          });
          return { recorded: ok };
        }
        return { recorded: false, status: dlr.status };
      },
    );

    app.get(
      '/channels/kannel/inbound',
      {
        config: { roles: 'public' },
        schema: { tags: ['channels'], summary: 'Inbound SMS from Kannel (sms-service get-url)' },
      },
      async (req) => {
        // The raw query: Kannel's %C names the charset the text is encoded in.
        const m = parseKannelInbound(
          req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '',
        );
        const now = p.clock.now();
        const r = await inboundText(p.dispatch, m.from, m.text, now);
        await p.channels.recordInbound({
          provider: 'kannel',
          from: m.from,
          to: m.to,
          text: m.text,
          at: now,
          customerId: r.optedOut[0] ?? null,
          action: r.optedOut.length > 0 ? 'opted out of sms' : 'stored',
        });
        // Kannel sends the body back to the customer as the reply; one confirmation is allowed.
        return isStopReply(m.text) ? 'You will get no more texts from us. 您已退订短信。' : '';
      },
    );

    app.get(
      '/customers/:customerId/contact-preferences',
      {
        config: { roles: READERS },
        schema: {
          tags: ['compliance'],
          summary: "A customer's opt-outs, consents and stated preferences, and do-not-contact",
          params: Type.Object({ customerId: Type.String() }),
        },
      },
      async (req) => {
        const r = await p.channels.preferences(req.params.customerId);
        if (!r) throw notFound(`customer ${req.params.customerId}`);
        return r;
      },
    );

    app.post(
      '/customers/:customerId/contact-preferences',
      {
        config: { roles: CONTACT_RULES },
        schema: {
          tags: ['compliance'],
          summary: 'Record an opt-out, a consent or a stated preference (with its dates)',
          params: Type.Object({ customerId: Type.String() }),
          body: Type.Object(
            {
              kind: Type.String(),
              channel: Type.Optional(Type.String()),
              value: Type.Optional(Type.String({ maxLength: 320 })),
              since: Type.Optional(Type.String()),
              until: Type.Optional(Type.String()),
              by: Type.String({ minLength: 1 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req, reply) => {
        const errors = checkPreference(req.body);
        if (errors.length > 0)
          throw new AppError('VALIDATION', 'the preference is not valid', errors);
        const b = req.body;
        const row = await p.channels.addPreference(req.params.customerId, {
          kind: b.kind,
          channel: b.channel ?? null,
          value: b.value ?? null,
          since: b.since ?? p.clock.now().toISOString(),
          until: b.until ?? null,
          source: `recorded by ${b.by}`,
        });
        if (!row) throw notFound(`customer ${req.params.customerId}`);
        return reply.code(201).send(row);
      },
    );

    app.put(
      '/customers/:customerId/do-not-contact',
      {
        config: { roles: CONTACT_RULES },
        schema: {
          tags: ['compliance'],
          summary: 'Mark a customer do-not-contact (all but required notices), or clear it',
          params: Type.Object({ customerId: Type.String() }),
          body: Type.Object(
            { doNotContact: Type.Boolean(), by: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => {
        if (!(await p.channels.setDoNotContact(req.params.customerId, req.body.doNotContact)))
          throw notFound(`customer ${req.params.customerId}`);
        return { doNotContact: req.body.doNotContact };
      },
    );

    app.get(
      '/compliance/report',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['compliance'],
          summary: 'Contacts by channel and local hour, blocks by rule',
          querystring: Type.Object({
            from: Type.String({ format: 'date' }),
            to: Type.String({ format: 'date' }),
          }),
        },
      },
      async (req) =>
        complianceReport(
          p.compliance,
          new Date(`${req.query.from}T00:00:00Z`),
          new Date(`${req.query.to}T23:59:59.999Z`),
        ),
    );

    app.get(
      '/compliance/audit',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['compliance'],
          summary: 'Every contact in a period decided again under the rules in force then',
          querystring: Type.Object({
            from: Type.String({ format: 'date' }),
            to: Type.String({ format: 'date' }),
          }),
        },
      },
      async (req) => {
        const r = await auditContacts(
          p.compliance,
          new Date(`${req.query.from}T00:00:00Z`),
          new Date(`${req.query.to}T23:59:59.999Z`),
        );
        if (r.customers > 100_000)
          throw new AppError(
            'VALIDATION',
            'the period is too long for one request; use recoup compliance audit',
          );
        return {
          ...r,
          violations: r.violations.slice(0, 500),
          violationCount: r.violations.length,
        };
      },
    );
  };
}
