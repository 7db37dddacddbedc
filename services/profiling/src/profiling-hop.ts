import { type BidRequest, createCodec, type ProfiledRequest, RecordNames } from '@adtrace/schemas';
import { createHop, type Hop, type KafkaPortFactory, type Log } from '@adtrace/stream';
import { pointAttributes, SpanAttributes } from '@adtrace/telemetry/attributes';
import { ended, serviceTracer } from '@adtrace/telemetry/tracer';
import { metrics } from '@opentelemetry/api';
import type { ProfilingConfig } from './config.ts';
import { createProfiler } from './profile-cache.ts';

export interface ProfilingTopics {
  readonly requests: string;
  readonly profiled: string;
  readonly segments: string;
}

export interface ProfilingOptions {
  /** Tests run on topics of their own; overrides config.topics. */
  readonly topics?: Partial<ProfilingTopics>;
  /** Overrides config.group (consumer group and transactional id prefix). */
  readonly name?: string;
  readonly log?: Log;
  readonly kafka?: KafkaPortFactory;
  /** Last step of the drain (main.ts flushes telemetry here). */
  readonly onShutdown?: () => void | Promise<void>;
}

/** The user key on the span: the pseudonymous key, never a raw id (ingest's `user.key`). */
export const USER_KEY_ATTRIBUTE = 'user.key';

/**
 * The profiling hop: adtrace.bid-requests (BidRequest, keyed by user key) → adtrace.profiled-
 * requests (ProfiledRequest, same key), the profile built by `buildUserProfile` of @adtrace/ads
 * from the `segments` global table (compacted adtrace.segments, caught up before the first
 * request). Exactly-once by default (config.ts): the hop keeps no state, but a ProfiledRequest
 * written twice would be auctioned twice.
 */
export function createProfiling(config: ProfilingConfig, options: ProfilingOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const tracer = serviceTracer('adtrace.profiling');
  const profiles = metrics.getMeter('adtrace.profiling').createCounter('ads.profiling.profiles', {
    description:
      'Profiles built, by whether the request could be personalized, the user was known and the cache served it',
  });
  // One frozen object per combination (8): the SDK hashes other objects on every record.
  const profilePoint = pointAttributes((key: string) => {
    const [personalized, known, cacheHit] = [...key].map((c) => c === '1');
    return { personalized, known, cache_hit: cacheHit };
  });
  const requestCodec = createCodec(RecordNames.BidRequest);
  const profiledCodec = createCodec(RecordNames.ProfiledRequest);
  const segmentsCodec = createCodec(RecordNames.UserSegments);
  const profileOf = createProfiler(config.cacheSize);

  return createHop({
    name: options.name ?? config.group,
    config: config.stream,
    inputs: {
      requests: { topic: topics.requests, decode: (bytes: Buffer) => requestCodec.decode(bytes), schema: requestCodec },
    },
    outputs: {
      profiled: {
        topic: topics.profiled,
        encode: (v: ProfiledRequest) => profiledCodec.encode(v),
        schema: profiledCodec,
      },
    },
    tables: { segments: { topic: topics.segments, decode: (bytes: Buffer) => segmentsCodec.decode(bytes) } },
    ...(options.log && { log: options.log }),
    ...(options.kafka && { kafka: options.kafka }),
    ...(options.onShutdown && { onShutdown: options.onShutdown }),
    handler: (m, ctx) => {
      const request: BidRequest = m.value;
      ctx.setEventId(request.eventId);
      return tracer.startActiveSpan('ads.build_user_profile', (span) =>
        ended(span, () => {
          span.setAttributes({ [SpanAttributes.eventId]: request.eventId, [USER_KEY_ATTRIBUTE]: request.userKey });
          const { profile, attributes } = profileOf(request, ctx.table('segments'));
          span.setAttributes({ ...attributes });
          const known = profile.segments.length > 0 || profile.interests.length > 0;
          profiles.add(1, profilePoint(`${+attributes['profile.personalized']}${+known}${+profile.cacheHit}`));
          const value: ProfiledRequest = { request, profile, profiledAtMs: Date.now() };
          // Inside the span: it is the output's traceparent, so the chain is process → profile → next hop.
          ctx.emit({ to: 'profiled', value, key: request.userKey, eventId: request.eventId });
          return [];
        }),
      );
    },
  });
}
