/** The one place where errors become HTTP responses: `{ code, message, details? }`, never a stack. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorCode } from '../../app/shared/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  THROTTLED: 429,
  TRAINING_REQUIRED: 403,
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(STATUS[error.code]).send({
        code: error.code,
        message: error.message,
        ...(error.details.length > 0 ? { details: error.details } : {}),
      });
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({
        code: 'VALIDATION',
        message: 'the request is not valid',
        details: fe.validation.map((v) => {
          const missing = (v.params as { missingProperty?: string }).missingProperty;
          const path = `${fe.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`;
          return { at: missing ? `${path}.${missing}` : path, reason: v.message ?? 'is not valid' };
        }),
      });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ code: 'BAD_REQUEST', message: fe.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ code: 'INTERNAL', message: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }),
  );
}
