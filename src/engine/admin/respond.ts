import type { Response } from 'express';
import { toGatewayError } from '../errors.ts';

/** Admin error responses use the same OpenAI-shaped body as the API. */
export function sendError(res: Response, err: unknown): void {
  const e = toGatewayError(err);
  res.status(e.status).json(e.toOpenAI());
}
