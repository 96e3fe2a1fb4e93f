import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import {
  endSession,
  MIN_PASSWORD_LENGTH,
  requestSignInLink,
  setPassword,
  signInWithLink,
  signInWithPassword,
} from '../../engine/sign-in.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../session-cookie.js';
import { meOf } from './me.js';

const email = z.string().trim().min(3).max(320).email();

/**
 * Signing in to the web app: a magic link by mail (or a password), which
 * opens a session held in an HttpOnly cookie. These routes need no key
 * (`config.public`); what they answer never tells whether an email has an
 * account. `publicUrl` is where the links in the mail point.
 */
export function authRoutes(app: FastifyInstance, publicUrl: string) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/auth/magic-link',
    {
      config: { public: true },
      schema: {
        tags: ['sign-in'],
        summary:
          'Mail a one-time sign-in link (15 minutes) to a user or a partner contact. Always 202: the answer does not tell whether the email has an account',
        security: [],
        body: z
          .object({
            email,
            next: z
              .string()
              .max(500)
              .optional()
              .describe('a path in the app to open after signing in'),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      await requestSignInLink(request.deps, request.body, publicUrl);
      return reply.code(202).send({ sent: true });
    },
  );

  r.post(
    '/v1/auth/sessions',
    {
      config: { public: true },
      schema: {
        tags: ['sign-in'],
        summary:
          "Sign in with a link's token, or with email and password; sets the session cookie and answers who signed in (as GET /v1/me)",
        security: [],
        body: z.union([
          z.object({ token: z.string().min(10).max(200) }).strict(),
          z.object({ email, password: z.string().min(1).max(1000) }).strict(),
        ]),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { token, session } =
        'token' in b
          ? await signInWithLink(request.deps, b.token)
          : await signInWithPassword(request.deps, b);
      setSessionCookie(request, reply, token);
      request.principal = session.principal;
      request.user = session.user;
      return reply.code(200).send(await meOf(request));
    },
  );

  r.delete(
    '/v1/auth/session',
    {
      config: { public: true },
      schema: {
        tags: ['sign-in'],
        summary: 'Sign out: ends this session and clears its cookie',
        security: [],
      },
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token) await endSession(request.deps, token);
      clearSessionCookie(request, reply);
      return reply.code(204).send();
    },
  );

  r.put(
    '/v1/auth/password',
    {
      schema: {
        tags: ['sign-in'],
        summary: `Set or change the signed-in person's password (at least ${MIN_PASSWORD_LENGTH} characters); their other sessions end`,
        body: z
          .object({
            password: z.string().max(1000),
            current_password: z.string().max(1000).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (!request.user || !token)
        throw new TandemError(
          'forbidden',
          'a password belongs to a signed-in person, not an API key',
        );
      await setPassword(request.deps, request.user.id, request.body, token);
      return reply.code(204).send();
    },
  );
}
