/**
 * The operational log of the long-running processes (`recoup serve`, `start`, `worker`): one
 * JSON object a line on standard output, with `level` (a name), `time` (ISO 8601), `msg` and the
 * context, `component` first: http, worker, cycle, dispatch or scheduler. The commands' own
 * output for people (progress, reports) is not logged here.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Component = 'http' | 'worker' | 'cycle' | 'dispatch' | 'scheduler';

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

/** The process's logger; `destination` is standard output unless a test gives its own. */
export function createLogger(
  level: LogLevel = 'info',
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
): Logger {
  return pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** A component's logger: every line carries `component`. */
export function componentLogger(log: Logger, component: Component): Logger {
  return log.child({ component });
}

/**
 * The HTTP server's logger (Fastify's `loggerInstance`): component "http", the given request
 * serializer (which masks what must not be logged), the status of the reply, errors with stacks.
 */
export function httpLogger(
  log: Logger,
  serializers: { req: (req: { method: string; url: string }) => Record<string, unknown> },
): Logger {
  return log.child(
    { component: 'http' satisfies Component },
    {
      serializers: {
        req: serializers.req,
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
  );
}

/** The message of an error for a log line's context (`err` carries the stack). */
export function errorContext(e: unknown): { err: Error } {
  return { err: e instanceof Error ? e : new Error(String(e)) };
}
