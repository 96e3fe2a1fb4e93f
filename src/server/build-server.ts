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
import { ClickTracker } from '../engine/click-tracker.js';
import type { Deps } from '../engine/deps.js';
import type { Worker } from '../engine/worker.js';
import { principalOf } from './auth.js';
import { guardInput } from './input-guard.js';
import { errorHandler, problem, sendProblem } from './problem.js';
import { redirectRoute } from './redirect.js';
import { backtestRoutes } from './routes/backtest.js';
import { budgetRoutes } from './routes/budget.js';
import { eventRoutes } from './routes/events.js';
import { keyRoutes } from './routes/keys.js';
import { partnerProgramRoutes } from './routes/partner-programs.js';
import { partnerRoutes } from './routes/partners.js';
import { payoutRunRoutes } from './routes/payout-runs.js';
import { payoutRoutes } from './routes/payouts.js';
import { programRoutes } from './routes/programs.js';
import { readRoutes } from './routes/reads.js';
import { tierRoutes } from './routes/tiers.js';

export interface ServerOptions {
  worker?: Worker;
  tracker?: ClickTracker;
  /** A pino logger instance, pino options, or false for none. */
  logger?: boolean | object;
  /** Attribution cookie lifetime; the server enforces windows itself, this is only the cookie. */
  cookieDays?: number;
  version?: string;
}

/**
 * The HTTP edge: translates HTTP to use cases and errors to problem+json,
 * nothing more. Exercised in-process with `app.inject()` by the tests.
 */
declare module 'fastify' {
  interface FastifyInstance {
    tracker: ClickTracker;
  }
}

export async function buildServer(deps: Deps, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const logger = opts.logger;
  const isInstance =
    typeof logger === 'object' &&
    logger !== null &&
    typeof (logger as { info?: unknown }).info === 'function';
  const common = {
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
  const tracker = opts.tracker ?? new ClickTracker(deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem('not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  app.decorateRequest('principal', undefined);
  app.decorate('tracker', tracker);

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
  redirectRoute(app, tracker, { cookieDays: opts.cookieDays ?? 90 });
  // The API in its own encapsulated scope: its hooks (auth, input guard) cost
  // the redirect nothing.
  await app.register(async (v1) => {
    v1.addHook('onRequest', async (request) => {
      request.principal = await principalOf(deps, request);
    });
    v1.addHook('preValidation', async (request) => guardInput(request));
    eventRoutes(v1, deps, opts.worker);
    programRoutes(v1, deps);
    backtestRoutes(v1, deps);
    partnerRoutes(v1, deps, tracker);
    readRoutes(v1, deps);
    keyRoutes(v1, deps);
    tierRoutes(v1, deps);
    budgetRoutes(v1, deps);
    partnerProgramRoutes(v1, deps);
    payoutRunRoutes(v1, deps);
    payoutRoutes(v1, deps);
  });

  app.addHook('onClose', async () => {
    await tracker.close();
  });
  await app.ready();
  return app;
}
