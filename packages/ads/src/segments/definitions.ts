// What `adtrace segments build` reads: segment definitions, each with criteria over the user
// base that must all hold. Behavioural criteria count what a user did recently (impressions,
// clicks, conversions, conversion value; in the warehouse); attribute criteria look at what the
// user's current segments record says (age bracket, interests). A bad definition is refused
// with every problem named by its path in the file, before anything is read or published.
import type { AgeBracket } from '@adtrace/schemas';

export const SEGMENT_TYPES = ['behavioural', 'attribute'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** Events a user caused within the last `withinDays`, counted: frequency (min/max) and recency (min 1, few days). */
export interface CountCriterion {
  readonly type: 'impressions' | 'clicks' | 'conversions';
  readonly withinDays: number;
  /** At least this many (default 1). */
  readonly min: number;
  /** At most this many. */
  readonly max?: number;
  /** Only events of these campaigns (default: any). */
  readonly campaigns?: readonly string[];
  /** Only events of these advertisers' campaigns (resolved through the campaign catalog). */
  readonly advertisers?: readonly string[];
  /** Only events of campaigns with an ad in these IAB categories (IAB20 also matches IAB20-3). */
  readonly categories?: readonly string[];
}

/** Summed conversion value (USD) within the last `withinDays`. */
export interface ValueCriterion {
  readonly type: 'conversion_value';
  readonly withinDays: number;
  readonly minUsd: number;
  readonly maxUsd?: number;
  readonly campaigns?: readonly string[];
  readonly advertisers?: readonly string[];
  readonly categories?: readonly string[];
}

export interface AgeCriterion {
  readonly type: 'age_bracket';
  readonly in: readonly AgeBracket[];
}

export interface InterestsCriterion {
  readonly type: 'interests';
  /** The user has at least one of these interests. */
  readonly any: readonly string[];
}

export type BehaviourCriterion = CountCriterion | ValueCriterion;
export type AttributeCriterion = AgeCriterion | InterestsCriterion;
export type SegmentCriterion = BehaviourCriterion | AttributeCriterion;

export interface SegmentDefinition {
  readonly id: string;
  readonly name: string;
  readonly type: SegmentType;
  readonly criteria: readonly SegmentCriterion[];
}

export const BEHAVIOUR_TYPES = ['impressions', 'clicks', 'conversions', 'conversion_value'] as const;
export const ATTRIBUTE_TYPES = ['age_bracket', 'interests'] as const;
const AGE_BRACKETS: readonly AgeBracket[] = [
  'UNKNOWN',
  'AGE_13_17',
  'AGE_18_24',
  'AGE_25_34',
  'AGE_35_44',
  'AGE_45_54',
  'AGE_55_64',
  'AGE_65_PLUS',
];
/** A year: longer look-backs are a data-retention question, not a segment. */
export const MAX_WITHIN_DAYS = 366;
const SEGMENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function isBehaviourCriterion(c: SegmentCriterion): c is BehaviourCriterion {
  return (BEHAVIOUR_TYPES as readonly string[]).includes(c.type);
}

/** Thrown for a definitions file that breaks a rule; the message lists every problem by path. */
export class SegmentDefinitionError extends Error {
  override readonly name = 'SegmentDefinitionError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    super(`segment definitions refused:\n  ${shown.join('\n  ')}`);
    this.problems = problems;
  }
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** `{ "segments": [ … ] }` → definitions, or a SegmentDefinitionError naming each bad field. */
export function parseSegmentDefinitions(input: unknown): SegmentDefinition[] {
  const problems: string[] = [];
  if (!isObject(input) || !Array.isArray(input.segments))
    throw new SegmentDefinitionError(['the file must be a JSON object with a "segments" array']);
  unknownFields(input, ['segments', 'description'], '', problems);
  if (input.segments.length === 0) problems.push('segments must hold at least one definition');
  const out: SegmentDefinition[] = [];
  const ids = new Map<string, number>();
  input.segments.forEach((raw, i) => {
    const at = `segments[${i}]`;
    const def = segment(raw, at, problems);
    if (!def) return;
    const first = ids.get(def.id);
    if (first !== undefined) problems.push(`${at}.id "${def.id}" is also segments[${first}].id`);
    ids.set(def.id, i);
    out.push(def);
  });
  if (problems.length > 0) throw new SegmentDefinitionError(problems);
  return out;
}

function segment(raw: unknown, at: string, problems: string[]): SegmentDefinition | undefined {
  if (!isObject(raw)) {
    problems.push(`${at} must be an object, got ${show(raw)}`);
    return undefined;
  }
  const before = problems.length;
  unknownFields(raw, ['id', 'name', 'type', 'criteria', 'description'], at, problems);
  if (typeof raw.id !== 'string' || !SEGMENT_ID.test(raw.id))
    problems.push(`${at}.id must be lower-case letters, digits, ".", "_" or "-" (1–64), got ${show(raw.id)}`);
  if (typeof raw.name !== 'string' || raw.name.trim() === '')
    problems.push(`${at}.name must be a non-empty string, got ${show(raw.name)}`);
  const type = raw.type;
  if (!(SEGMENT_TYPES as readonly unknown[]).includes(type))
    problems.push(`${at}.type must be one of ${SEGMENT_TYPES.join(', ')}, got ${show(type)}`);
  if (!Array.isArray(raw.criteria) || raw.criteria.length === 0) {
    problems.push(`${at}.criteria must be a non-empty array, got ${show(raw.criteria)}`);
    return undefined;
  }
  const criteria = raw.criteria.map((c, j) => criterion(c, `${at}.criteria[${j}]`, problems));
  if (problems.length > before) return undefined;
  const checked = criteria as SegmentCriterion[];
  if (type === 'attribute' && checked.some(isBehaviourCriterion))
    problems.push(`${at}.criteria: an attribute segment takes only ${ATTRIBUTE_TYPES.join(', ')} criteria`);
  if (type === 'behavioural' && !checked.some(isBehaviourCriterion))
    problems.push(`${at}.criteria: a behavioural segment needs one of ${BEHAVIOUR_TYPES.join(', ')}`);
  if (problems.length > before) return undefined;
  return { id: raw.id as string, name: (raw.name as string).trim(), type: type as SegmentType, criteria: checked };
}

function criterion(raw: unknown, at: string, problems: string[]): SegmentCriterion | undefined {
  if (!isObject(raw)) {
    problems.push(`${at} must be an object, got ${show(raw)}`);
    return undefined;
  }
  const before = problems.length;
  const type = raw.type;
  switch (type) {
    case 'impressions':
    case 'clicks':
    case 'conversions': {
      unknownFields(raw, ['type', 'withinDays', 'min', 'max', ...SCOPE_FIELDS], at, problems);
      const withinDays = days(raw, at, problems);
      const min = raw.min === undefined ? 1 : count(raw.min, `${at}.min`, problems);
      const max = raw.max === undefined ? undefined : count(raw.max, `${at}.max`, problems);
      if (min !== undefined && max !== undefined && max < min)
        problems.push(`${at}.max (${max}) is below min (${min})`);
      if (min === 0 && max === undefined) problems.push(`${at}: min 0 without max matches everyone; give a max`);
      const campaigns = campaignList(raw, at, problems);
      if (problems.length > before) return undefined;
      return { type, withinDays: withinDays!, min: min!, ...(max !== undefined && { max }), ...campaigns };
    }
    case 'conversion_value': {
      unknownFields(raw, ['type', 'withinDays', 'minUsd', 'maxUsd', ...SCOPE_FIELDS], at, problems);
      const withinDays = days(raw, at, problems);
      const minUsd = usd(raw.minUsd, `${at}.minUsd`, problems);
      const maxUsd = raw.maxUsd === undefined ? undefined : usd(raw.maxUsd, `${at}.maxUsd`, problems);
      if (minUsd !== undefined && maxUsd !== undefined && maxUsd < minUsd)
        problems.push(`${at}.maxUsd (${maxUsd}) is below minUsd (${minUsd})`);
      const campaigns = campaignList(raw, at, problems);
      if (problems.length > before) return undefined;
      return { type, withinDays: withinDays!, minUsd: minUsd!, ...(maxUsd !== undefined && { maxUsd }), ...campaigns };
    }
    case 'age_bracket': {
      unknownFields(raw, ['type', 'in'], at, problems);
      const brackets = stringList(raw.in, `${at}.in`, problems);
      for (const b of brackets ?? [])
        if (!(AGE_BRACKETS as readonly string[]).includes(b))
          problems.push(`${at}.in: "${b}" is not an age bracket (${AGE_BRACKETS.join(', ')})`);
      if (problems.length > before) return undefined;
      return { type, in: brackets as AgeBracket[] };
    }
    case 'interests': {
      unknownFields(raw, ['type', 'any'], at, problems);
      const any = stringList(raw.any, `${at}.any`, problems);
      if (problems.length > before) return undefined;
      return { type, any: any! };
    }
    default:
      problems.push(
        `${at}.type must be one of ${[...BEHAVIOUR_TYPES, ...ATTRIBUTE_TYPES].join(', ')}, got ${show(type)}`,
      );
      return undefined;
  }
}

function unknownFields(raw: Obj, known: readonly string[], at: string, problems: string[]): void {
  for (const key of Object.keys(raw))
    if (!known.includes(key)) problems.push(`${at ? `${at}.` : ''}${key} is not a known field (${known.join(', ')})`);
}

function days(raw: Obj, at: string, problems: string[]): number | undefined {
  const v = raw.withinDays;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_WITHIN_DAYS) return v;
  problems.push(`${at}.withinDays must be a whole number of days in [1, ${MAX_WITHIN_DAYS}], got ${show(v)}`);
  return undefined;
}

function count(v: unknown, at: string, problems: string[]): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  problems.push(`${at} must be a whole number ≥ 0, got ${show(v)}`);
  return undefined;
}

function usd(v: unknown, at: string, problems: string[]): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e9) return v;
  problems.push(`${at} must be an amount in USD in [0, 1e9], got ${show(v)}`);
  return undefined;
}

function stringList(v: unknown, at: string, problems: string[]): string[] | undefined {
  if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.trim() !== ''))
    return [...new Set(v as string[])];
  problems.push(`${at} must be a non-empty array of non-empty strings, got ${show(v)}`);
  return undefined;
}

const SCOPE_FIELDS = ['campaigns', 'advertisers', 'categories'] as const;

/** Which campaigns' events count: any of the given fields, each a non-empty list. */
function campaignList(
  raw: Obj,
  at: string,
  problems: string[],
): { campaigns?: string[]; advertisers?: string[]; categories?: string[] } {
  const out: { campaigns?: string[]; advertisers?: string[]; categories?: string[] } = {};
  for (const field of SCOPE_FIELDS) {
    if (raw[field] === undefined) continue;
    const list = stringList(raw[field], `${at}.${field}`, problems);
    if (list) out[field] = list;
  }
  return out;
}
