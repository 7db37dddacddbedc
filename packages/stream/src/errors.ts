/**
 * Errors with a code and a verdict. A handler throws `RejectedError` for a message that can
 * never succeed (it is dead-lettered) and `TransientError` for a dependency that is away (the
 * message is retried, never dead-lettered). `classify` (classify.ts) decides for everything else.
 */
export class StreamError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** This message cannot be handled, ever: dead-letter it with `code` and `reason`. */
export class RejectedError extends StreamError {
  readonly reason: string;
  constructor(code: string, reason: string, options?: { cause?: unknown }) {
    super(reason, code, options);
    this.reason = reason;
  }
}

/** A dependency is away or overloaded: retry with backoff, never dead-letter. */
export class TransientError extends StreamError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.code ?? 'TRANSIENT', options);
  }
}

/** A wrong configuration value: the service must not start. Names the variable. */
export class ConfigError extends StreamError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`, 'CONFIG');
    this.variable = variable;
  }
}

/** The hop stopped because of a bug or bad config; `cause` is the error that decided it. */
export class HopCrashedError extends StreamError {
  readonly stage: string;
  constructor(hop: string, stage: string, cause: unknown) {
    super(`hop ${hop} crashed in ${stage}: ${describe(cause)}`, 'CRASHED', { cause });
    this.stage = stage;
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
