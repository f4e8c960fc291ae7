/** The HTTP API: Fastify with JSON-schema validation and an OpenAPI document at /docs. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform.ts';
import { installErrorHandler } from './errors.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { portfolioRoutes } from './routes/portfolio.ts';
import { strategyRoutes } from './routes/strategy.ts';
import { experimentRoutes } from './routes/experiment.ts';
import { templateRoutes } from './routes/templates.ts';
import { dispatchRoutes } from './routes/dispatch.ts';
import { preferenceRoutes } from './routes/preferences.ts';
import { scoringRoutes } from './routes/scoring.ts';
import { scoringPortfolioRoutes } from './routes/scoring-portfolio.ts';
import { promiseRoutes } from './routes/promises.ts';
import { performanceRoutes } from './routes/performance.ts';
import { trainingRoutes } from './routes/training.ts';
import { workspaceRoutes } from './routes/workspace.ts';
import { planRoutes } from './routes/plans.ts';
import { customerRoutes, maskedUrl } from './routes/customers.ts';
import { hideLinkToken, selfServiceRoutes } from './routes/selfservice.ts';
import { accessRoutes } from './routes/access.ts';
import { adminRoutes } from './routes/admin.ts';
import { monitoringRoutes, type MonitoringRouteOptions } from './routes/monitoring.ts';
import { overviewRoutes } from './routes/overview.ts';
import { installGuard, type Authenticator } from './guard.ts';
import { installConsole } from './console.ts';
import { sessionsAndKeys } from './auth.ts';
import { installAuditHook } from './audit-hook.ts';
import { installScope } from './scope.ts';
import { SqlScopeStore } from '../storage/scope-store.ts';
import { accessDeps } from '../platform.ts';
import { channelSettingsRoutes } from './routes/channel-settings.ts';
import type { ChannelConfig } from '../config.ts';
import { httpLogger, type Logger } from '../log.ts';
import { installMetrics } from './metrics.ts';
import { healthRoutes } from './routes/health.ts';
import { cycleRoutes } from './routes/cycles.ts';

export interface ServerOptions {
  /** The process's logger (requests logged under component "http"); `true`: Fastify's own. */
  logger?: boolean | Logger;
  /** The lender's name in messages. */
  companyName?: string;
  /** Base of customer-facing links in messages. */
  publicUrl?: string;
  /** Who a request comes from; by default the session cookie or the API key. */
  authenticate?: Authenticator;
  /** How often the live monitoring stream looks for changes and sends a heartbeat. */
  monitoring?: MonitoringRouteOptions;
  /** The demo users' password, shown on the sign-in page (only when the demo users exist). */
  demoPassword?: string;
  /** Where the built web console is; by default web/dist. */
  consoleDir?: string;
  /** The gateways, shown read-only with the channel settings (without one: the sandbox). */
  channels?: ChannelConfig;
}

export async function buildServer(
  platform: Platform,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  // a request's line in the log: searches for customers masked, self-service links hidden
  const serializers = {
    req: (req: { method: string; url: string }) => ({
      method: req.method,
      url: maskedUrl(hideLinkToken(req.url)),
    }),
  };
  const app = Fastify({
    ...(typeof options.logger === 'object'
      ? { loggerInstance: httpLogger(options.logger, serializers) as FastifyBaseLogger }
      : { logger: options.logger ? { serializers } : false }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(app);
  // before any route: a route without declared roles is refused at registration
  installGuard(app, options.authenticate ?? sessionsAndKeys(accessDeps(platform)));
  installAuditHook(app, platform.audit, platform.clock);
  installScope(app, new SqlScopeStore(platform.db));
  // before the routes: their requests are timed
  installMetrics(app, platform);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Recoup API',
        version: '0.1.0',
        description: 'Collections management: ledger, delinquency and the portfolio.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/health', { config: { roles: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
    ...(options.demoPassword ? { demoPassword: options.demoPassword } : {}),
  }));
  await app.register(healthRoutes(platform));
  installConsole(app, options.consoleDir);
  await app.register(accessRoutes(platform), { prefix: '/api' });
  await app.register(monitoringRoutes(platform, options.monitoring), { prefix: '/api' });
  await app.register(ledgerRoutes(platform), { prefix: '/api' });
  await app.register(portfolioRoutes(platform), { prefix: '/api' });
  await app.register(cycleRoutes(platform), { prefix: '/api' });
  await app.register(overviewRoutes(platform), { prefix: '/api' });
  await app.register(strategyRoutes(platform), { prefix: '/api' });
  await app.register(experimentRoutes(platform), { prefix: '/api' });
  await app.register(scoringRoutes(platform), { prefix: '/api' });
  await app.register(scoringPortfolioRoutes(platform), { prefix: '/api' });
  await app.register(promiseRoutes(platform), { prefix: '/api' });
  await app.register(performanceRoutes(platform), { prefix: '/api' });
  await app.register(trainingRoutes(platform), { prefix: '/api' });
  await app.register(
    workspaceRoutes(platform, { companyName: options.companyName ?? 'Recoup Demo Lender' }),
    { prefix: '/api' },
  );
  await app.register(
    planRoutes(platform, { companyName: options.companyName ?? 'Recoup Demo Lender' }),
    { prefix: '/api' },
  );
  await app.register(customerRoutes(platform), { prefix: '/api' });
  await app.register(adminRoutes(platform), { prefix: '/api' });
  await app.register(channelSettingsRoutes(platform, options.channels), { prefix: '/api' });
  await app.register(
    dispatchRoutes(platform, { companyName: options.companyName ?? 'Recoup Demo Lender' }),
    {
      prefix: '/api',
    },
  );
  await app.register(preferenceRoutes(platform));
  await app.register(
    selfServiceRoutes(platform, { companyName: options.companyName ?? 'Recoup Demo Lender' }),
  );
  await app.register(
    templateRoutes(platform, {
      companyName: options.companyName ?? 'Recoup Demo Lender',
      publicUrl: options.publicUrl ?? 'http://localhost:3000',
    }),
    { prefix: '/api' },
  );
  return app;
}
