// One pipeline of `pnpm bench hop`, in its own process so that its CPU (every thread: the
// event loop, GC, the OTLP exporter) is its own, started as production starts a service:
// `node --import packages/telemetry/src/preload.ts bench/hop-child.ts` for the traced runs, no
// preload for the untraced one. BENCH_HOP_KIND: `runtime` (fixtures/hop.ts) or `naive` (plain
// kafkajs eachMessage + one awaited send per message, traced by the stock instrumentation the
// preload registers, as a service without the runtime would be). BENCH_HOP_CLIENT=platformatic:
// the runtime on its @platformatic/kafka client port instead of the default kafkajs one.
// IPC with the bench: → {ready}; on the BENCH_HOP_MARKth handled message the CPU window opens
// (BENCH_HOP_WARMUP_MARK, if set and earlier: the warm-up window from there to the mark);
// ← {end} (the backlog is out): flush telemetry, → {window, cpuUs, mainCpuUs (the event-loop thread's
// share: the rest is GC helpers, the compiler, libuv)}; ← {stop} → {stopped, dropped,
// cpuUs (its whole life)}, exit.
import { randomUUID } from 'node:crypto';
import { spansDropped, telemetryHandle } from '@adtrace/telemetry';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { benchHop, decode, encode, transform } from './fixtures/hop.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const brokers = env('KAFKA_BROKERS').split(',');
const [input, output] = [env('BENCH_HOP_IN'), env('BENCH_HOP_OUT')];
const mark = Number(env('BENCH_HOP_MARK'));
const send = (m: object) => process.send?.(m);

let handled = 0;
const warmupMark = Number(process.env.BENCH_HOP_WARMUP_MARK ?? Number.NaN);
let cpuAtMark: NodeJS.CpuUsage | undefined;
let mainCpuAtMark: NodeJS.CpuUsage | undefined;
let cpuAtWarmupMark: NodeJS.CpuUsage | undefined;
let mainCpuAtWarmupMark: NodeJS.CpuUsage | undefined;
let warmup: { cpuUs: number; mainCpuUs: number } | undefined;
const onHandled = () => {
  ++handled;
  if (handled === warmupMark) {
    cpuAtWarmupMark = process.cpuUsage();
    mainCpuAtWarmupMark = process.threadCpuUsage();
  }
  if (handled !== mark) return;
  cpuAtMark = process.cpuUsage();
  mainCpuAtMark = process.threadCpuUsage();
  if (cpuAtWarmupMark && mainCpuAtWarmupMark) {
    const [all, main] = [process.cpuUsage(cpuAtWarmupMark), process.threadCpuUsage(mainCpuAtWarmupMark)];
    warmup = { cpuUs: all.user + all.system, mainCpuUs: main.user + main.system };
  }
};

async function startNaive(): Promise<() => Promise<void>> {
  const kafka = new Kafka({ clientId: 'bench-naive', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-naive-${randomUUID().slice(0, 8)}` });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: input, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      onHandled();
      const value = encode(transform(decode(message.value!)));
      const headers = { 'adtrace.event-id': message.headers?.['adtrace.event-id'] ?? '' };
      await producer.send({ topic: output, messages: [{ key: message.key, value, headers }] });
    },
  });
  return async () => {
    await consumer.disconnect();
    await producer.disconnect();
  };
}

async function startRuntime(): Promise<() => Promise<void>> {
  // Not exported by @adtrace/stream's index (yet): loaded by path, like the bench's warehouse.
  const kafka =
    process.env.BENCH_HOP_CLIENT === 'platformatic' ? (await import('@adtrace/stream')).platformaticPort : undefined;
  const hop = benchHop({
    ...(kafka && { kafka }),
    name: `bench-hop-${randomUUID().slice(0, 8)}`,
    brokers,
    input,
    output,
    deadLetterTopic: env('BENCH_HOP_DLQ'),
    onHandled,
  });
  await hop.start();
  return () => hop.stop();
}

const handle = telemetryHandle(); // kept: shutdown unregisters it, and the tally is read after
const stop = await (process.env.BENCH_HOP_KIND === 'naive' ? startNaive() : startRuntime());
process.on('message', async (m: { type: string }) => {
  if (m.type === 'end') {
    await handle?.flush(); // the export of the window's spans is part of what tracing costs
    if (!cpuAtMark) throw new Error(`the backlog ended after ${handled} messages, before the ${mark}th`);
    const used = process.cpuUsage(cpuAtMark);
    const main = process.threadCpuUsage(mainCpuAtMark);
    send({
      type: 'window',
      cpuUs: used.user + used.system,
      mainCpuUs: main.user + main.system,
      handled,
      ...(warmup && { warmupCpuUs: warmup.cpuUs, warmupMainCpuUs: warmup.mainCpuUs }),
    });
  } else if (m.type === 'stop') {
    await stop();
    await handle?.shutdown();
    const cpu = process.cpuUsage();
    send({
      type: 'stopped',
      dropped: handle?.spansDropped().total ?? spansDropped().total,
      cpuUs: cpu.user + cpu.system,
    });
    process.disconnect();
  }
});
send({ type: 'ready' });
