import { type Attributes, type Counter, type Histogram, metrics } from '@opentelemetry/api';

/**
 * The hop's metrics through @opentelemetry/api only; the telemetry package decides where they
 * go. Names are in the adtrace.stream namespace so they never collide with the kafkajs
 * instrumentation's messaging.client.* metrics.
 */
export class HopMetrics {
  readonly consumed: Counter;
  readonly produced: Counter;
  readonly written: Counter;
  readonly deadLettered: Counter;
  readonly latency: Histogram;
  /** Messages per committed chunk: under a backlog, how much one transaction's round trips carry. */
  readonly chunkMessages: Histogram;
  readonly duplicates: Counter;
  readonly late: Counter;
  private readonly lag = new Map<string, { value: number; attributes: Attributes }>();
  private readonly attributesById = new Map<string, Attributes>();

  readonly group: string;

  constructor(group: string) {
    this.group = group;
    const meter = metrics.getMeter('@adtrace/stream');
    this.consumed = meter.createCounter('adtrace.stream.consumed', {
      description: 'Messages consumed and handled (committed or not)',
      unit: '{message}',
    });
    this.produced = meter.createCounter('adtrace.stream.produced', {
      description: 'Output messages acknowledged by Kafka',
      unit: '{message}',
    });
    this.written = meter.createCounter('adtrace.stream.written', {
      description: "Records a sink's bulk write stored (external store, not Kafka)",
      unit: '{message}',
    });
    this.deadLettered = meter.createCounter('adtrace.stream.dead_lettered', {
      description: 'Messages sent to the dead-letter topic',
      unit: '{message}',
    });
    this.duplicates = meter.createCounter('adtrace.stream.duplicates', {
      description: 'Messages dropped as duplicates of one seen within the de-duplication TTL',
      unit: '{message}',
    });
    this.late = meter.createCounter('adtrace.stream.late', {
      description: 'Messages too late for a window (stream time past its end + grace), sent to the late topic',
      unit: '{message}',
    });
    this.latency = meter.createHistogram('adtrace.stream.processing.duration', {
      description: "From the start of a message's handling to the commit of its outputs and offset",
      unit: 'ms',
    });
    this.chunkMessages = meter.createHistogram('adtrace.stream.chunk.messages', {
      description: 'Messages per committed chunk (one produce request or transaction, one commit each)',
      unit: '{message}',
      advice: { explicitBucketBoundaries: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
    });
    meter
      .createObservableGauge('adtrace.stream.consumer.lag', {
        description: 'Messages behind the high watermark, per partition',
        unit: '{message}',
      })
      .addCallback((result) => {
        for (const { value, attributes } of this.lag.values()) result.observe(value, attributes);
      });
  }

  /**
   * The attributes of a topic's (or partition's) points: one frozen object per topic and partition,
   * kept. The metrics SDK hashes a point's attributes on every record (~2 µs for these three keys,
   * recorded per message), and keeps the hash of a frozen object (patches/@opentelemetry__sdk-metrics).
   */
  attributes(topic: string, partition?: number): Attributes {
    const id = partition === undefined ? topic : `${topic}\u0000${partition}`;
    let attributes = this.attributesById.get(id);
    if (attributes) return attributes;
    const base: Attributes = { 'messaging.consumer.group.name': this.group, 'messaging.destination.name': topic };
    if (partition !== undefined) base['messaging.destination.partition.id'] = String(partition);
    attributes = Object.freeze(base);
    this.attributesById.set(id, attributes);
    return attributes;
  }

  /**
   * A committed chunk: its messages consumed, its outputs produced, its dead letters, and each
   * message's latency from the start of its handling to the commit that made it durable.
   */
  chunkCommitted(
    topic: string,
    partition: number,
    messages: readonly { readonly startedAt: number }[],
    outbox: { count(kind: 'output' | 'dead-letter'): number },
  ): void {
    const attributes = this.attributes(topic, partition);
    this.consumed.add(messages.length, attributes);
    this.chunkMessages.record(messages.length, attributes);
    const produced = outbox.count('output');
    if (produced > 0) this.produced.add(produced, attributes);
    const dead = outbox.count('dead-letter');
    if (dead > 0) this.deadLettered.add(dead, attributes);
    const now = performance.now();
    for (const m of messages) this.latency.record(now - m.startedAt, attributes);
  }

  /** Lag after the last handled offset: the high watermark minus the next offset to read. */
  setLag(topic: string, partition: number, highWatermark: string, nextOffset: bigint): void {
    const value = Math.max(0, Number(BigInt(highWatermark) - nextOffset));
    this.lag.set(`${topic}/${partition}`, { value, attributes: this.attributes(topic, partition) });
  }

  forget(owns: (topic: string, partition: number) => boolean): void {
    for (const [id, { attributes }] of this.lag) {
      const topic = String(attributes['messaging.destination.name']);
      if (!owns(topic, Number(attributes['messaging.destination.partition.id']))) this.lag.delete(id);
    }
  }
}
