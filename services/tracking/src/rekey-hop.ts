import {
  clickEvent,
  createTokenSigner,
  createUserKeyer,
  type TokenSigner,
  TrackingTokenError,
  type VerifiedClaims,
} from '@adtrace/ads';
import { type AttributedEvent, createCodec, RecordNames } from '@adtrace/schemas';
import { createHop, type Hop, type KafkaPortFactory, type Log, RejectedError } from '@adtrace/stream';
import { ended, serviceTracer } from '@adtrace/telemetry/tracer';
import { metrics, trace } from '@opentelemetry/api';
import type { TrackingConfig, TrackingTopics } from './config.ts';
import { createUserEventDecoder, type RawUserEvent } from './decode-user-event.ts';
import { TrackingAttr } from './tracking-attributes.ts';

export interface StageOptions {
  readonly topics?: Partial<TrackingTopics>;
  /** Overrides the consumer group (stage one's is `<name>-rekey`). */
  readonly name?: string;
  readonly log?: Log;
  readonly kafka?: KafkaPortFactory;
  /** The clock stamping attributedAtMs (tests); Date.now by default. */
  readonly now?: () => number;
  readonly onShutdown?: () => void | Promise<void>;
}

/**
 * Stage one: adtrace.user-events.raw (unkeyed, JSON or Avro) → the internal re-keyed topic, keyed
 * by user key with the event time, created with the impressions' partition count so stage two
 * can join the two per partition. A click's token is verified at the time the tracker received
 * it (forged, expired, unknown key → dead letter with that code in adtrace.dead-letters.raw); a
 * conversion's user id becomes ingest's user key and is dropped. The records are AttributedEvents
 * before attribution: a CLICK as clickEvent() of the verified click, a CONVERSION with no campaign
 * yet. Stateless, but exactly-once like stage two: its output is read committed.
 */
export function createRekey(config: TrackingConfig, options: StageOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const tracer = serviceTracer('adtrace.tracking');
  const events = metrics.getMeter('adtrace.tracking').createCounter('ads.tracking.events', {
    description: 'Raw clicks and conversions read, by type and outcome (forwarded or the dead-letter code)',
  });
  const signer = createTokenSigner(config.keyring);
  const userKeyOf = createUserKeyer(config.userKeySecret);
  const decode = createUserEventDecoder();
  const codec = createCodec(RecordNames.AttributedEvent);

  return createHop({
    name: `${options.name ?? config.group}-rekey`,
    config: config.rekeyStream,
    mode: 'exactly-once',
    inputs: {
      raw: {
        topic: topics.raw,
        decode,
        // The click continues the impression's trace; only a genuine signature is trusted with it
        // (expiry is judged in the handler, where the record's time is known).
        traceFrom: (e: RawUserEvent) => (e.token ? signedTraceparent(signer, e.token) : undefined),
      },
    },
    outputs: {
      rekeyed: {
        topic: topics.rekeyed,
        encode: (v: AttributedEvent) => codec.encode(v),
        partitionsLike: topics.impressions,
      },
    },
    ...(options.log && { log: options.log }),
    ...(options.kafka && { kafka: options.kafka }),
    ...(options.onShutdown && { onShutdown: options.onShutdown }),
    handler: (m, ctx) => {
      const e = m.value;
      const presentedAtMs = e.receivedAtMs ?? m.timestamp;
      tracer.startActiveSpan(
        'ads.track_event',
        { attributes: { [TrackingAttr.eventType]: e.kind, [TrackingAttr.eventFormat]: e.format } },
        (span) =>
          ended(span, () => {
            try {
              const value =
                e.kind === 'click' ? click(e, verify(e.token, presentedAtMs)) : conversion(e, presentedAtMs);
              if (value.kind === 'CLICK') {
                ctx.setEventId(value.originalEventId);
                span.setAttributes({
                  [TrackingAttr.impressionId]: value.impressionId,
                  [TrackingAttr.campaignId]: value.campaignId,
                });
              } else {
                span.setAttribute(TrackingAttr.conversionId, value.eventId);
              }
              span.setAttribute(TrackingAttr.userKey, value.userKey);
              events.add(1, { [TrackingAttr.eventType]: e.kind, outcome: 'forwarded' });
              // Stamped with when it was presented, not its event time: stage two's stream time is
              // then how far both inputs have got in one clock (delivery stamps impressions when it
              // serves them), and a conversion waits for the impressions to reach it (join-wait.ts).
              ctx.emit({ to: 'rekeyed', value, key: value.userKey, timestamp: presentedAtMs });
            } catch (error) {
              if (error instanceof RejectedError) {
                span.setAttribute(TrackingAttr.rejected, error.code);
                events.add(1, { [TrackingAttr.eventType]: e.kind, outcome: error.code });
              }
              throw error;
            }
          }),
      );
    },
  });

  function verify(token: string, atMs: number): VerifiedClaims {
    try {
      const claims = signer.verify(token, atMs);
      trace.getActiveSpan()?.setAttribute(TrackingAttr.tokenKeyId, claims.keyId);
      return claims;
    } catch (error) {
      if (error instanceof TrackingTokenError) throw new RejectedError(error.code, error.reason);
      throw error;
    }
  }

  function conversion(e: Extract<RawUserEvent, { kind: 'conversion' }>, atMs: number): AttributedEvent {
    const userKey = e.userId !== undefined ? userKeyOf({ userId: e.userId }, e.conversionId).key : tokenUser(e, atMs);
    return {
      eventId: e.conversionId,
      kind: 'CONVERSION',
      originalEventId: '',
      campaignId: '',
      adId: '',
      userKey,
      touch: 'NONE',
      costMicros: 0,
      valueMicros: 0,
      pctr: 0,
      eventTimeMs: e.eventTimeMs,
      attributedAtMs: 0,
      impressionId: '',
      touchEventId: null,
      touchTimeMs: null,
      originalCurrency: e.currency,
      originalValueMicros: e.valueMicros,
      modelVersion: null,
    };
  }

  function tokenUser(e: Extract<RawUserEvent, { kind: 'conversion' }>, atMs: number): string {
    if (!e.token) throw new RejectedError('NO_USER', 'a conversion needs a userId (JSON) or a tracking token (Avro)');
    return verify(e.token, atMs).userKey;
  }
}

function click(e: Extract<RawUserEvent, { kind: 'click' }>, claims: VerifiedClaims): AttributedEvent {
  // Cost and model version are the impression's: stage two fills them from the impression it saw.
  return clickEvent(
    {
      impressionId: claims.impressionId,
      originalEventId: claims.eventId,
      campaignId: claims.campaignId,
      adId: claims.adId,
      userKey: claims.userKey,
      timeMs: e.eventTimeMs,
      costMicros: 0,
      modelVersion: null,
      traceparent: claims.traceparent,
    },
    0,
  );
}

/** The token's traceparent if its signature is ours, whatever its expiry (checked later). */
function signedTraceparent(signer: TokenSigner, token: string): string | undefined {
  try {
    return signer.verify(token, Number.NEGATIVE_INFINITY).traceparent;
  } catch {
    return undefined;
  }
}
