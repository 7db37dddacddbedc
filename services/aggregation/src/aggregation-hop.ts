import { aggregationDedupKey, type BudgetAlertState, type CalibrationState, windowStartOf } from '@adtrace/ads';
import { type AttributedEvent, type CampaignSpend, createCodec, RecordNames, type RoasWindow } from '@adtrace/schemas';
import { createHop, type Hop, jsonStore, type KafkaPortFactory, type Log, type WindowEvent } from '@adtrace/stream';
import { pointAttributes } from '@adtrace/telemetry/attributes';
import { metrics } from '@opentelemetry/api';
import { AggregateAttr, aggregationTracer, traceFlush } from './aggregation-spans.ts';
import type { AggregationConfig, AggregationTopics } from './config.ts';
import {
  accumulate,
  type EmittedWindow,
  lateEvent,
  metaKeyOf,
  type RoasAccumulator,
  retainedUntil,
  windowRecord,
} from './roas-state.ts';
import { calibrationStep, spendStep } from './spend-and-alerts.ts';

export interface AggregationOptions {
  /** Tests run on topics of their own; overrides config.topics. */
  readonly topics?: Partial<AggregationTopics>;
  /** Overrides config.group (consumer group, changelogs and transactional id prefix). */
  readonly name?: string;
  readonly log?: Log;
  readonly kafka?: KafkaPortFactory;
  /** Processing time for emittedAtMs (default Date.now). */
  readonly now?: () => number;
  readonly onShutdown?: () => void | Promise<void>;
}

/**
 * The aggregation hop: adtrace.attributed-events (AttributedEvent keyed by campaign id) →
 * adtrace.roas (RoasWindow per campaign and event-time window, restated by revision),
 * adtrace.campaign-spend (compacted CampaignSpend per campaign), adtrace.alerts (calibration
 * drift, budgets); events too late for their window to adtrace.late-events. Exactly-once: the
 * windows, the spend and the de-duplication are state.
 */
export function createAggregation(config: AggregationConfig, options: AggregationOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const roas = config.roas;
  const now = options.now ?? Date.now;
  const tracer = aggregationTracer();
  const meter = metrics.getMeter('adtrace.aggregation');
  const applied = meter.createCounter('ads.aggregate.events', { description: 'Events applied, by kind and outcome' });
  const flushed = meter.createCounter('ads.aggregate.windows_emitted', {
    description: 'RoasWindow records emitted, by window event (closed, restated, final, late)',
  });
  const appliedPoint = pointAttributes((key: string) => {
    const [kind, outcome] = key.split('\u0000');
    return { kind, outcome };
  });
  const flushedPoint = pointAttributes((type: string) => ({ type }));
  const calibration = meter.createGauge('ads.model.calibration', {
    description: 'Mean predicted CTR ÷ observed CTR of a closed calibration window, per model version',
  });
  const codecs = {
    event: createCodec(RecordNames.AttributedEvent),
    roas: createCodec(RecordNames.RoasWindow),
    spend: createCodec(RecordNames.CampaignSpend),
    alert: createCodec(RecordNames.Alert),
    campaign: createCodec(RecordNames.Campaign),
  };
  // Long enough that a copy arriving while its window can still change (or still counts late
  // data) is recognised; after that a copy is late-unretained anyway.
  const keepMs = roas.windowMs + roas.graceMs + roas.retentionMs;
  const emitRoas = (
    ctx: { emit: (o: { to: 'roas'; value: RoasWindow; key: string; timestamp: number; eventId: string }) => void },
    r: RoasWindow,
  ) =>
    ctx.emit({
      to: 'roas',
      value: r,
      key: r.campaignId,
      timestamp: r.windowEndMs,
      eventId: `roas:${r.generation}:${r.campaignId}:${r.windowStartMs}:${r.revision}`,
    });

  return createHop({
    name: options.name ?? config.group,
    config: config.stream,
    mode: 'exactly-once',
    inputs: { events: { topic: topics.events, decode: (b: Buffer): AttributedEvent => codecs.event.decode(b) } },
    outputs: {
      roas: { topic: topics.roas, encode: (v: RoasWindow) => codecs.roas.encode(v) },
      spend: { topic: topics.spend, encode: (v: CampaignSpend) => codecs.spend.encode(v) },
      alerts: { topic: topics.alerts, encode: codecs.alert.encode },
    },
    tables: { campaigns: { topic: topics.campaigns, decode: (b: Buffer) => codecs.campaign.decode(b) } },
    stores: {
      emitted: { ...jsonStore<EmittedWindow>(), ttlMs: keepMs },
      spend: jsonStore<CampaignSpend>(),
      budgetAlerts: jsonStore<BudgetAlertState>(),
      calibration: jsonStore<CalibrationState>(),
    },
    windows: { roas: { sizeMs: roas.windowMs, graceMs: roas.graceMs, codec: jsonStore<RoasAccumulator>() } },
    lateTopic: topics.late,
    // Impressions and clicks by impression id (one click per impression counts), conversions by id.
    dedupe: { key: (m) => aggregationDedupKey(m.value), ttlMs: keepMs },
    ...(options.log && { log: options.log }),
    ...(options.kafka && { kafka: options.kafka }),
    ...(options.onShutdown && { onShutdown: options.onShutdown }),
    handler: (m, ctx) => {
      const e = m.value;
      const start = windowStartOf(e.eventTimeMs, roas.windowMs);
      tracer.startActiveSpan(
        'ads.aggregate.apply',
        {
          attributes: {
            [AggregateAttr.campaignId]: e.campaignId,
            [AggregateAttr.kind]: e.kind,
            [AggregateAttr.windowStart]: start,
            [AggregateAttr.generation]: roas.generation,
          },
        },
        (span) => {
          try {
            const sc = span.spanContext();
            const window = ctx.window('roas');
            const result = window.update(e.campaignId, e.eventTimeMs, (cur) =>
              accumulate(cur, e, [sc.traceId, sc.spanId]),
            );
            let outcome: string;
            if (result === 'accepted') {
              outcome = start + roas.windowMs <= ctx.streamTime ? 'restating' : 'counted';
            } else {
              const key = metaKeyOf(e.campaignId, start);
              const held = window.get(e.campaignId, start) !== undefined;
              const retained = retainedUntil(start, roas) > ctx.streamTime;
              const at = {
                campaignId: e.campaignId,
                windowStartMs: start,
                streamTimeMs: ctx.streamTime,
                emittedAtMs: now(),
              };
              const late = lateEvent(ctx.store('emitted').get(key), held, retained, at, roas);
              if (late.meta) ctx.store('emitted').put(key, late.meta);
              if (late.record) {
                emitRoas(ctx, late.record);
                flushed.add(1, flushedPoint('late'));
              }
              outcome = late.meta ? 'late-dropped' : 'late-unretained';
            }
            span.setAttribute(AggregateAttr.outcome, outcome);
            applied.add(1, appliedPoint(`${e.kind}\u0000${outcome}`));

            const step = spendStep(
              e,
              ctx.store('spend').get(e.campaignId),
              ctx.table('campaigns').get(e.campaignId)?.budget,
              ctx.store('budgetAlerts').get(e.campaignId),
              config.usdRates,
              config.pacingShare,
              now(),
            );
            if (step) {
              ctx.store('spend').put(e.campaignId, step.spend);
              ctx.emit({ to: 'spend', value: step.spend, key: e.campaignId });
              ctx.store('budgetAlerts').put(e.campaignId, step.budgetState);
              if (step.budgetError) span.setAttribute(AggregateAttr.budgetError, step.budgetError);
              for (const a of step.alerts) ctx.emit({ to: 'alerts', value: a, key: e.campaignId, eventId: a.alertId });
            }

            const cal = calibrationStep(e, ctx.store('calibration').get('state'), ctx.streamTime, config.calibration);
            ctx.store('calibration').put('state', cal.state);
            for (const r of cal.results) {
              if (r.calibration !== null) calibration.record(r.calibration, { 'model.version': r.modelVersion });
            }
            for (const a of cal.alerts) ctx.emit({ to: 'alerts', value: a, key: a.alertId, eventId: a.alertId });
          } finally {
            span.end();
          }
        },
      );
    },
    onWindow: (w, ctx) => {
      const event = w as WindowEvent<RoasAccumulator>;
      const key = metaKeyOf(event.key, event.start);
      const store = ctx.store('emitted');
      const at = {
        campaignId: event.key,
        windowStartMs: event.start,
        streamTimeMs: ctx.streamTime,
        emittedAtMs: now(),
      };
      const { record, meta } = windowRecord(event.value.totals, store.get(key), event.type === 'final', at, roas);
      store.put(key, meta);
      traceFlush(tracer, record, event, () => emitRoas(ctx, record));
      flushed.add(1, flushedPoint(event.type));
      return [];
    },
  });
}
