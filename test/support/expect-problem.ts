import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** Asserts an application/problem+json answer with this status and code, and returns its body. */
export function expectProblem(r: LightMyRequestResponse, status: number, code: string) {
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(r.json()).toMatchObject({ status, code });
  return r.json() as { code: string; detail: string; issues?: { path: string; message: string }[] };
}
