/** Why a JSON bid request was refused; ingest dead-letters it with `code` and the message. */
export type ValidationErrorCode = 'TOO_LARGE' | 'INVALID_JSON' | 'INVALID_OPENRTB';

/** The kind of rule an issue broke, for counting and filtering. */
export type ValidationRule = 'required' | 'type' | 'range' | 'format' | 'unique' | 'exclusive' | 'non-empty';

export interface ValidationIssue {
  /** Where, in JSON terms: `imp[0].bidfloor`; empty for the request as a whole. */
  readonly path: string;
  readonly rule: ValidationRule;
  /** For a person: `imp[0].bidfloor must be a non-negative number`. */
  readonly message: string;
}

/**
 * A malformed optional field that did not stop the request: dropped (as if absent) or
 * normalized (`bidfloorcur: "usd"` → USD, `regs.gdpr: "1"` → 1, an IPv6 address in `ip` moved
 * to `ipv6`). Ingest counts them in `ads.ingest.fields_dropped` by `field`. Never holds a value.
 */
export interface FieldFix {
  /** Where: `imp[1].bidfloorcur`. */
  readonly path: string;
  /** The path without array indices, for a counter of bounded cardinality: `imp.bidfloorcur`. */
  readonly field: string;
  readonly action: 'dropped' | 'normalized';
  readonly rule: ValidationRule;
  readonly message: string;
}

/** At most this many issues are collected; one bad request should not produce a novel. */
export const MAX_ISSUES = 20;

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code: ValidationErrorCode;
  readonly issues: readonly ValidationIssue[];
  /** Bad input stays bad: never retried. */
  readonly retriable = false;

  constructor(
    code: ValidationErrorCode,
    message: string,
    issues: readonly ValidationIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.issues = issues;
  }

  static fromIssues(issues: readonly ValidationIssue[]): ValidationError {
    const shown = issues.slice(0, 3).map((i) => i.message);
    const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
    return new ValidationError('INVALID_OPENRTB', `invalid OpenRTB bid request: ${shown.join('; ')}${more}`, issues);
  }
}
