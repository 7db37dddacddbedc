import type { Dialect } from './dialect.ts';

/**
 * One condition on what a user did, for the segment builder: how many impressions, clicks or
 * conversions (or how much conversion value) since a time, optionally of some campaigns, within
 * [min, max]. Impressions carry the user key; clicks and conversions (attributed_events, which
 * has none) reach it through the impression they belong to or were attributed to.
 */
export interface UserActivityCondition {
  readonly events: 'impression' | 'click' | 'conversion';
  /** `count` of events, or summed `value_micros` (conversions). */
  readonly measure: 'count' | 'value_micros';
  /** Events at or after this time, ms since the epoch. */
  readonly sinceMs: number;
  /** Only these campaigns' events (an empty list: none). */
  readonly campaignIds?: readonly string[];
  /** Inclusive bounds on the measure; a user without any such event has 0. */
  readonly min?: number;
  readonly max?: number;
}

export interface SegmentMembersQuery {
  /** All must hold. The user base: every user key the impressions table holds. */
  readonly conditions: readonly UserActivityCondition[];
}

/** Checks a query that may come from outside (the query API); a RangeError names the field. */
export function checkSegmentMembersQuery(query: SegmentMembersQuery): void {
  if (!Array.isArray(query?.conditions) || query.conditions.length === 0)
    throw new RangeError('conditions must be a non-empty array');
  if (query.conditions.length > 32) throw new RangeError('at most 32 conditions');
  query.conditions.forEach((c, i) => {
    const at = `conditions[${i}]`;
    if (!['impression', 'click', 'conversion'].includes(c.events))
      throw new RangeError(`${at}.events must be impression, click or conversion`);
    if (c.measure !== 'count' && !(c.measure === 'value_micros' && c.events === 'conversion'))
      throw new RangeError(`${at}.measure must be count, or value_micros for conversions`);
    if (!Number.isSafeInteger(c.sinceMs) || c.sinceMs < 0) throw new RangeError(`${at}.sinceMs must be epoch ms`);
    for (const bound of ['min', 'max'] as const) {
      const v = c[bound];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
        throw new RangeError(`${at}.${bound} must be a number ≥ 0`);
    }
    if (c.min === undefined && c.max === undefined) throw new RangeError(`${at} needs min or max`);
    if (
      c.campaignIds !== undefined &&
      !(Array.isArray(c.campaignIds) && c.campaignIds.every((id: unknown) => typeof id === 'string' && id !== ''))
    )
      throw new RangeError(`${at}.campaignIds must be an array of campaign ids`);
  });
}

/**
 * The SQL (both dialects) and its $n parameters: one aggregate per condition over the events in
 * range, LEFT JOINed to the user base so that "at most N" also holds for users with none.
 */
export function segmentMembersSql(d: Dialect, query: SegmentMembersQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const ctes: string[] = [];
  const where: string[] = [];
  query.conditions.forEach((c, i) => {
    const since = d.timestampFromMicros(param(String(Math.floor(c.sinceMs) * 1000)));
    // No list: any campaign; an empty list: none (a scope that resolved to no campaign).
    const campaigns = c.campaignIds === undefined ? undefined : c.campaignIds.map(param).join(', ') || 'NULL';
    const measure = c.measure === 'count' ? 'COUNT(*)' : 'SUM(e.value_micros)';
    const body =
      c.events === 'impression'
        ? `SELECT e.user_key, ${measure} AS v FROM impressions e
           WHERE e.user_key IS NOT NULL AND e.event_time >= ${since}${campaigns ? ` AND e.campaign_id IN (${campaigns})` : ''}
           GROUP BY e.user_key`
        : `SELECT i.user_key, ${measure} AS v FROM attributed_events e JOIN impressions i ON i.impression_id = e.impression_id
           WHERE i.user_key IS NOT NULL AND e.kind = ${param(c.events)} AND e.event_time >= ${since}${
             campaigns ? ` AND e.campaign_id IN (${campaigns})` : ''
           }
           GROUP BY i.user_key`;
    ctes.push(`c${i} AS (${body})`);
    if (c.min !== undefined) where.push(`COALESCE(c${i}.v, 0) >= ${param(c.min)}`);
    if (c.max !== undefined) where.push(`COALESCE(c${i}.v, 0) <= ${param(c.max)}`);
  });
  const joins = query.conditions.map((_, i) => `LEFT JOIN c${i} ON c${i}.user_key = u.user_key`).join('\n  ');
  const sql = `WITH users AS (SELECT DISTINCT user_key FROM impressions WHERE user_key IS NOT NULL),
${ctes.join(',\n')}
SELECT u.user_key FROM users u
  ${joins}
WHERE ${where.join(' AND ')}
ORDER BY u.user_key`;
  return { sql, params };
}
