import { type FieldFix, MAX_ISSUES, type ValidationIssue, type ValidationRule } from './validation-error.ts';

/**
 * Reads typed fields out of parsed JSON while collecting issues, so that one pass reports
 * every problem with its path. Absent and null both mean "not given" (tolerant of senders
 * that write nulls). Exchanges treat a malformed *optional* field as absent rather than refuse
 * the request, so the readers below drop a value of the wrong type or range and record a
 * FieldFix; only the rules of a valid request (checked by the callers, `add`) are issues.
 * Unknown keys are ignored.
 */
export type Json = Record<string, unknown>;

/** What a number must be, and how a message says it: `… must be a non-negative number`. */
export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly says: string;
}

export const INTEGER: NumberRule = { integer: true, says: 'an integer' };
export const NON_NEGATIVE: NumberRule = { min: 0, says: 'a non-negative number' };
export const NON_NEGATIVE_INTEGER: NumberRule = { integer: true, min: 0, says: 'a non-negative integer' };
export const POSITIVE_INTEGER: NumberRule = { integer: true, min: 1, says: 'a positive integer' };

export class JsonFields {
  readonly issues: ValidationIssue[] = [];
  readonly fixes: FieldFix[] = [];

  /** A broken rule of a valid request: the request is refused. */
  add(path: string, rule: ValidationRule, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, rule, message });
  }

  /** A malformed optional value, treated as absent. */
  drop(path: string, rule: ValidationRule, message: string): void {
    this.fix(path, 'dropped', rule, message);
  }

  normalize(path: string, rule: ValidationRule, message: string): void {
    this.fix(path, 'normalized', rule, message);
  }

  private fix(path: string, action: FieldFix['action'], rule: ValidationRule, message: string): void {
    // Bounded like issues: a hostile request must not make the list grow with its size.
    if (this.fixes.length < MAX_ISSUES)
      this.fixes.push({ path, field: path.replace(/\[\d+\]/g, ''), action, rule, message });
  }

  object(o: Json, key: string, path: string): Json | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (isJson(v)) return v;
    this.drop(at(path, key), 'type', `${at(path, key)} must be an object`);
    return undefined;
  }

  string(o: Json, key: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.drop(at(path, key), 'type', `${at(path, key)} must be a string`);
    return undefined;
  }

  requiredString(o: Json, key: string, path: string): string {
    const v = o[key];
    const p = at(path, key);
    if (v === undefined || v === null) this.add(p, 'required', `${p} is required`);
    else if (typeof v !== 'string') this.add(p, 'type', `${p} must be a string`);
    else if (v === '') this.add(p, 'non-empty', `${p} must not be empty`);
    return typeof v === 'string' ? v : '';
  }

  number(o: Json, key: string, path: string, rule: NumberRule): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    const p = at(path, key);
    if (typeof v !== 'number' || !Number.isFinite(v) || (rule.integer && !Number.isInteger(v))) {
      this.drop(p, 'type', `${p} must be ${rule.says}`);
      return undefined;
    }
    if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) {
      this.drop(p, 'range', `${p} must be ${rule.says}`);
      return undefined;
    }
    return v;
  }

  /** OpenRTB's 0/1 integers for yes/no; "0"/"1" and booleans, which some senders write, are normalized. */
  flag(o: Json, key: string, path: string): boolean | undefined {
    const v = o[key];
    const p = at(path, key);
    if (v === '0' || v === '1' || typeof v === 'boolean') {
      this.normalize(p, 'type', `${p} must be 0 or 1`);
      return v === '1' || v === true;
    }
    const n = this.number(o, key, path, { integer: true, min: 0, max: 1, says: '0 or 1' });
    return n === undefined ? undefined : n === 1;
  }

  array(o: Json, key: string, path: string): unknown[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v;
    this.drop(at(path, key), 'type', `${at(path, key)} must be an array`);
    return undefined;
  }

  strings(o: Json, key: string, path: string): string[] {
    const items = this.array(o, key, path) ?? [];
    const bad = items.findIndex((s) => typeof s !== 'string');
    if (bad >= 0) this.drop(`${at(path, key)}[${bad}]`, 'type', `${at(path, key)}[${bad}] must be a string`);
    return items.filter((s): s is string => typeof s === 'string');
  }

  integers(o: Json, key: string, path: string): number[] {
    const items = this.array(o, key, path) ?? [];
    const bad = items.findIndex((n) => !Number.isInteger(n));
    if (bad >= 0) this.drop(`${at(path, key)}[${bad}]`, 'type', `${at(path, key)}[${bad}] must be an integer`);
    return items.filter((n): n is number => Number.isInteger(n));
  }
}

export function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
