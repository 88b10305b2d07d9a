import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line. */
const REDACT_PATHS = [
  'password', '*.password', '*.*.password',
  'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization', 'req.headers.cookie',
  'cookie', '*.cookie', 'secret', '*.secret', 'privateKey', '*.privateKey',
  // #12 hardening: single sign-on secrets in config objects that might be logged
  'clientSecret', '*.clientSecret', '*.*.clientSecret', 'bindPassword', '*.bindPassword', '*.*.bindPassword',
];

/** Remove `user:password@` from any URL-like string (RTSP URLs carry credentials). */
export function redactUrl(url: string): string {
  return url.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/gi, (_m, scheme: string) => `${scheme}***@`);
}

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  destination?: number | string;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: 'smartview' },
      timestamp: pino.stdTimeFunctions.epochTime,
      hooks: {
        // Strings in log arguments are scrubbed of URL credentials too.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactUrl(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ dest: opts.destination ?? 2, sync: false }),
  );
}

/** A logger that writes nothing (tests, batch CLI commands). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
