// The segment build job behind `adtrace segments build`: for each definition, the users who meet
// its criteria (behaviour in the warehouse, attributes on the users' current records), the diff
// against the members the compacted topic holds now, then one publish of every user whose
// memberships changed. The I/O comes in as functions, so tests run it on a real warehouse and
// broker in-process and the command wires it to the query API and Kafka.
import {
  type AttributeCriterion,
  type BehaviourCriterion,
  campaignScope,
  diffMembers,
  isBehaviourCriterion,
  LARGE_SEGMENT_CHANGE_PCT,
  meetsAttributes,
  membersBySegment,
  membershipRecords,
  nextBuilderVersion,
  type SegmentDefinition,
  type SegmentDiff,
  type SegmentType,
} from '@adtrace/ads';
import type { Campaign, UserSegments } from '@adtrace/schemas';
import { pipelineMetrics } from '@adtrace/telemetry';
import type { SegmentMembersQuery, UserActivityCondition } from '@adtrace/warehouse';
import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

const DAY_MS = 86_400_000;

export interface SegmentBuildIo {
  /** User keys meeting behavioural conditions: the warehouse (query API, or in-process in tests). */
  members(query: SegmentMembersQuery): Promise<string[]>;
  /** Every user's current record: the compacted segments topic read whole. */
  readonly current: ReadonlyMap<string, UserSegments>;
  /** Sends the changed records; absent for a dry run. */
  publish?(records: readonly UserSegments[]): Promise<void>;
  /** The campaign catalog, when a criterion names advertisers or categories. */
  readonly catalog?: readonly Campaign[];
  /** Where publish sends (for the span). */
  readonly topic: string;
  readonly nowMs: number;
}

export interface BuiltSegment {
  readonly id: string;
  readonly name: string;
  readonly type: SegmentType;
  readonly size: number;
  readonly previousSize: number;
  readonly diff: SegmentDiff;
  /** The trace of this segment's build (adtrace trace <id>); all zeros without telemetry. */
  readonly traceId: string;
}

export interface SegmentBuildResult {
  readonly builderVersion: number;
  readonly segments: readonly BuiltSegment[];
  /** Users whose records changed (published unless a dry run). */
  readonly changedUsers: number;
  readonly published: boolean;
}

/**
 * A definition's behavioural criteria as the warehouse's conditions, relative to now; advertisers
 * and categories resolved to campaign ids through the catalog (`at` names the definition).
 */
export function activityConditions(
  criteria: readonly BehaviourCriterion[],
  nowMs: number,
  catalog?: readonly Campaign[],
  at = 'criteria',
): UserActivityCondition[] {
  return criteria.map((c, i) => {
    const campaignIds = campaignScope(c, catalog, `${at}[${i}]`);
    const common = { sinceMs: nowMs - c.withinDays * DAY_MS, ...(campaignIds && { campaignIds }) };
    if (c.type === 'conversion_value')
      return {
        ...common,
        events: 'conversion',
        measure: 'value_micros',
        min: Math.round(c.minUsd * 1e6),
        ...(c.maxUsd !== undefined && { max: Math.round(c.maxUsd * 1e6) }),
      };
    const events = ({ impressions: 'impression', clicks: 'click', conversions: 'conversion' } as const)[c.type];
    return { ...common, events, measure: 'count', min: c.min, ...(c.max !== undefined && { max: c.max }) };
  });
}

export async function buildSegments(
  definitions: readonly SegmentDefinition[],
  io: SegmentBuildIo,
): Promise<SegmentBuildResult> {
  const started = performance.now();
  const tracer = trace.getTracer('adtrace.segments');
  const builderVersion = nextBuilderVersion(io.current.values());
  const previous = membersBySegment(
    io.current.values(),
    definitions.map((d) => d.id),
  );
  // Every definition's conditions first: a scope that resolves to nothing refuses the build before any work.
  const conditions = new Map(
    definitions.map((d) => [
      d.id,
      activityConditions(d.criteria.filter(isBehaviourCriterion), io.nowMs, io.catalog, `segment ${d.id}: criteria`),
    ]),
  );
  const spans: Span[] = [];
  try {
    const built = new Map<string, ReadonlySet<string>>();
    const segments: BuiltSegment[] = [];
    for (const def of definitions) {
      // Each segment is its own trace: its build, criteria and diff; the publish links to all.
      const span = tracer.startSpan('ads.segment.build', {
        root: true,
        attributes: {
          'segment.id': def.id,
          'segment.name': def.name,
          'segment.type': def.type,
          'segment.builder_version': builderVersion,
        },
      });
      spans.push(span);
      const ctx = trace.setSpan(context.active(), span);
      const members = await tracer.startActiveSpan('ads.segment.evaluate_criteria', {}, ctx, (s) =>
        ended(s, () => evaluate(def, conditions.get(def.id) ?? [], io, s)),
      );
      const before = previous.get(def.id) ?? new Set<string>();
      const diff = tracer.startActiveSpan('ads.segment.diff', {}, ctx, (s) => {
        const d = diffMembers(before, members);
        s.setAttributes({
          'segment.previous_size': before.size,
          'diff.users_added': d.usersAdded,
          'diff.users_removed': d.usersRemoved,
          'diff.change_pct': round2(d.changePct),
        });
        if (d.large)
          s.addEvent('large_segment_change', {
            'segment.id': def.id,
            'diff.change_pct': round2(d.changePct),
            'diff.threshold_pct': LARGE_SEGMENT_CHANGE_PCT,
          });
        s.end();
        return d;
      });
      span.setAttribute('segment.size', members.size);
      built.set(def.id, members);
      segments.push({
        id: def.id,
        name: def.name,
        type: def.type,
        size: members.size,
        previousSize: before.size,
        diff,
        traceId: span.spanContext().traceId,
      });
    }
    const records = membershipRecords({ current: io.current, built, builderVersion, nowMs: io.nowMs });
    if (io.publish) {
      const publish = io.publish;
      await tracer.startActiveSpan(
        'ads.segment.publish',
        {
          root: true,
          links: spans.map((s) => ({ context: s.spanContext() })),
          attributes: {
            'messaging.destination.name': io.topic,
            'segment.count': definitions.length,
            'segment.builder_version': builderVersion,
            'publish.records': records.length,
          },
        },
        (s) => ended(s, () => publish(records)),
      );
    }
    for (const s of spans) s.setAttribute('segment.published', io.publish !== undefined);
    return { builderVersion, segments, changedUsers: records.length, published: io.publish !== undefined };
  } catch (err) {
    for (const s of spans) {
      s.setAttribute('segment.published', false);
      s.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    }
    throw err;
  } finally {
    for (const s of spans) s.end();
    pipelineMetrics().segmentBuildSeconds.record((performance.now() - started) / 1000, {
      'segment.count': definitions.length,
    });
  }
}

async function evaluate(
  def: SegmentDefinition,
  conditions: UserActivityCondition[],
  io: SegmentBuildIo,
  span: Span,
): Promise<Set<string>> {
  const attributes = def.criteria.filter((c): c is AttributeCriterion => !isBehaviourCriterion(c));
  span.setAttributes({
    'criteria.count': def.criteria.length,
    'criteria.types': [...new Set(def.criteria.map((c) => c.type))],
  });
  // The user base: the warehouse's users for behaviour; for attributes alone, every user with a record.
  const candidates = conditions.length > 0 ? await io.members({ conditions }) : [...io.current.keys()];
  const members = new Set(candidates.filter((u) => meetsAttributes(io.current.get(u), attributes)));
  span.setAttribute('segment.matched_users', members.size);
  return members;
}

/** Runs work in a span, marks a failure on it, and ends it either way. */
async function ended<T>(span: Span, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
