import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Principal } from '../engine/api-keys.js';
import { ClickTracker } from '../engine/click-tracker.js';
import type { Deps } from '../engine/deps.js';
import { Sandbox } from '../engine/sandbox.js';
import type { Worker } from '../engine/worker.js';
import { noRouteProblem } from './api-versions.js';
import { principalOf, requireLiveMode } from './auth.js';
import {
  changelogRoute,
  type Deprecation,
  deprecations,
  registerDeprecations,
} from './deprecations.js';
import { guardInput } from './input-guard.js';
import { type OutboxAccess, outboxPage } from './outbox-page.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { redirectingServer, redirectRoute } from './redirect.js';
import { authRoutes } from './routes/auth.js';
import { backtestRoutes } from './routes/backtest.js';
import { budgetRoutes } from './routes/budget.js';
import { calendarFeedRoute, calendarRoutes } from './routes/calendar.js';
import { campaignReportRoutes } from './routes/campaign-reports.js';
import { campaignRoutes } from './routes/campaigns.js';
import { eventRoutes } from './routes/events.js';
import { explorerRoutes } from './routes/explorer.js';
import { integrationRoutes } from './routes/integrations.js';
import { keyRoutes } from './routes/keys.js';
import { knowledgeBaseRoutes } from './routes/knowledge-base.js';
import { mdfRoutes } from './routes/mdf.js';
import { partnerProgramRoutes } from './routes/partner-programs.js';
import { partnerRoutes } from './routes/partners.js';
import { payoutRunRoutes } from './routes/payout-runs.js';
import { payoutRoutes } from './routes/payouts.js';
import { programRoutes } from './routes/programs.js';
import { readRoutes } from './routes/reads.js';
import { sandboxRoutes } from './routes/sandbox.js';
import { tierRoutes } from './routes/tiers.js';
import { userRoutes } from './routes/users.js';
import { webAppRoutes } from './web-app.js';

export interface ServerOptions {
  worker?: Worker;
  /**
   * Starts the sandbox's worker when test mode is first used, e.g.
   * `(d) => startWorker(d, { payouts: false, tiers: false })`; none: test
   * events are derived only when something drains them (tests).
   */
  sandboxWorker?: (deps: Deps) => Worker;
  tracker?: ClickTracker;
  /** A pino logger instance, pino options, or false for none. */
  logger?: boolean | object;
  /** Attribution cookie lifetime; the server enforces windows itself, this is only the cookie. */
  cookieDays?: number;
  version?: string;
  /** The deprecated operations to announce and, after their sunset, refuse (tests inject their own). */
  deprecations?: readonly Deprecation[];
  /** Where the links in Tandem's mail point (TANDEM_PUBLIC_URL); default http://localhost:3000. */
  publicUrl?: string;
  /** Who may open `/outbox` (mail kept without SMTP): default `local` (this machine only). */
  outbox?: OutboxAccess;
  /** The built web app to serve at `/` (tests point at their own build); default web/dist. */
  webDist?: string;
}

/**
 * The HTTP edge: translates HTTP to use cases and errors to problem+json,
 * nothing more. Exercised in-process with `app.inject()` by the tests.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Refused to test-mode keys with `live_mode_only` (the sandbox mirrors live configuration). */
    liveOnly?: boolean;
    /** Needs no key or session (signing in); runs on live data. */
    public?: boolean;
  }
  interface FastifyInstance {
    tracker: ClickTracker;
    /** Test mode's store, opened by the first test-key request (docs/sandbox.md). */
    sandbox: Sandbox;
  }
}

export async function buildServer(deps: Deps, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const logger = opts.logger;
  const isInstance =
    typeof logger === 'object' &&
    logger !== null &&
    typeof (logger as { info?: unknown }).info === 'function';
  let tracker: ClickTracker | undefined;
  const common = {
    serverFactory: redirectingServer(() => tracker as ClickTracker, {
      cookieDays: opts.cookieDays ?? 90,
    }),
    bodyLimit: 8 * 1024 * 1024,
    trustProxy: true,
    // One log line per request would dominate the redirect's cost; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors before routing (a URL with broken percent-encoding) are problems too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      sendProblem(reply, problem('validation_failed', error.message));
    },
  };
  const app = (isInstance
    ? Fastify({ ...common, loggerInstance: logger as FastifyBaseLogger })
    : Fastify({ ...common, logger: (logger as boolean) ?? false })) as unknown as FastifyInstance;
  tracker = opts.tracker ?? new ClickTracker(deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, noRouteProblem(request.method, request.url)),
  );
  // Before any route is registered: it marks deprecated routes as they are added.
  registerDeprecations(app, opts.deprecations ?? deprecations, deps.clock);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('user', undefined);
  app.decorateRequest('deps', undefined as unknown as Deps);
  app.decorateRequest('worker', undefined);
  app.decorateRequest('mode', 'live');
  app.decorateRequest('sandboxLease', undefined);
  app.decorate('tracker', tracker);
  const sandbox = new Sandbox(deps, { worker: opts.sandboxWorker });
  app.decorate('sandbox', sandbox);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tandem API',
        version: opts.version ?? '0.1.0',
        description:
          'Partner incentive engine: events in, attributed rewards out, a double-entry ledger. Errors are application/problem+json with a stable `code`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } as object }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } as object }, async () => app.swagger());
  changelogRoute(app);
  redirectRoute(app, tracker, { cookieDays: opts.cookieDays ?? 90 });
  // The calendar feed: its token is the credential (no API key), on live data.
  calendarFeedRoute(app, deps);
  webAppRoutes(app, opts.webDist);
  outboxPage(app, deps, opts.outbox ?? (deps.mailer ? 'off' : 'local'));
  // The API in its own encapsulated scope: its hooks (auth, input guard) cost
  // the redirect nothing.
  await app.register(async (v1) => {
    v1.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config.public) {
        request.deps = deps;
        request.worker = opts.worker;
        return;
      }
      // Keys of both modes live in the live database.
      const principal = await principalOf(deps, request);
      request.principal = principal;
      request.mode = principal.mode;
      if (principal.mode === 'test') {
        const lease = await sandbox.acquire();
        request.sandboxLease = lease;
        request.deps = lease.deps;
        request.worker = lease.worker;
      } else {
        request.deps = deps;
        request.worker = opts.worker;
      }
      reply.header('tandem-mode', principal.mode);
    });
    v1.addHook('onSend', async (request, _reply, payload) => {
      // Read-your-writes: live configuration written here is mirrored before
      // the next test-mode request (other nodes' writes within a second).
      if (request.principal?.mode === 'live' && request.method !== 'GET' && sandbox.isOpen)
        sandbox.invalidate();
      return payload;
    });
    v1.addHook('onResponse', async (request) => {
      request.sandboxLease?.release();
    });
    v1.addHook('onRequestAbort', async (request) => {
      request.sandboxLease?.release();
    });
    v1.addHook('preValidation', async (request) => guardInput(request));
    // Configuration, payouts and keys are written with live keys only (`config: { liveOnly: true }`).
    v1.addHook('preHandler', async (request) => {
      if (request.routeOptions.config.liveOnly) requireLiveMode(request.principal as Principal);
    });
    // Handlers use request.deps (live or sandbox, by the key's mode), never these deps.
    eventRoutes(v1);
    programRoutes(v1);
    backtestRoutes(v1);
    partnerRoutes(v1, tracker);
    readRoutes(v1);
    keyRoutes(v1);
    tierRoutes(v1);
    budgetRoutes(v1);
    partnerProgramRoutes(v1);
    payoutRunRoutes(v1);
    payoutRoutes(v1);
    integrationRoutes(v1);
    campaignRoutes(v1);
    campaignReportRoutes(v1);
    mdfRoutes(v1);
    calendarRoutes(v1);
    sandboxRoutes(v1, sandbox);
    authRoutes(v1, opts.publicUrl ?? 'http://localhost:3000');
    userRoutes(v1);
    explorerRoutes(v1);
    knowledgeBaseRoutes(v1);
  });

  app.addHook('onClose', async () => {
    await tracker.close();
    await sandbox.close();
  });
  await app.ready();
  return app;
}
