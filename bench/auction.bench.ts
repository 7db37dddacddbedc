// The auction handler's CPU per bid request without Kafka: what services/auction does for a
// profiled request (cap and spend lookups through the runtime's store view, decideRequest over
// the demo catalog, the decision's spans, the outcome emitted in ads.auction's context), with
// tracing on: the production span processors (event id, cost with a CPU meter, batch) and the
// OTLP protobuf serializer the gRPC exporter uses (the bytes are dropped, nothing is sent).
// Three figures per round, CPU µs per request (process.cpuUsage over the round): `decide` (the
// lookups and decideRequest), `traced` (the same plus the spans, their serialization included).
// BENCH_AUCTION_BASE=<another checkout> loads that tree's ads package and auction service too and
// alternates base and branch rounds in this one process (A, B, A, B), so both see the same load.
// Each round starts with the previous round's garbage collected. Run: pnpm bench auction
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CampaignSpend, UserSegments } from '@adtrace/schemas';
import { exampleBidRequest } from '@adtrace/schemas/testing';
import { CostSpanProcessor, EventIdSpanProcessor, withCpuMeter } from '@adtrace/telemetry';
import { type Context, context, createContextKey, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type ReadableSpan,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

// The serializer the OTLP exporters use (a dependency of the telemetry package's gRPC exporter).
const { ProtobufTraceSerializer } = (await import(
  pathToFileURL(
    resolve(import.meta.dirname, '../node_modules/.pnpm/node_modules/@opentelemetry/otlp-transformer/dist/index.mjs'),
  ).href
)) as { ProtobufTraceSerializer: { serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined } };

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const REQUESTS = Number(process.env.BENCH_AUCTION_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_AUCTION_ROUNDS ?? 4);
const T = Date.UTC(2026, 10, 26, 12);
const EVENT_ID = createContextKey('adtrace.event_id holder');

// biome-ignore lint/suspicious/noExplicitAny: the two trees' modules are loaded by path
type Module = any;
interface Tree {
  readonly name: string;
  readonly ads: Module;
  readonly spans: Module;
  readonly caps: Module;
  readonly spend: Module;
  readonly store: Module;
}

async function loadTree(name: string, root: string): Promise<Tree> {
  const at = (p: string) => import(pathToFileURL(join(root, p)).href);
  return {
    name,
    ads: await at('packages/ads/src/index.ts'),
    spans: await at('services/auction/src/auction-spans.ts'),
    caps: await at('services/auction/src/caps.ts'),
    spend: await at('services/auction/src/spend.ts'),
    store: await at('packages/stream/src/store.ts'),
  };
}

/** Serializes each batch as the OTLP exporter would, then drops it. */
class SerializingExporter implements SpanExporter {
  bytes = 0;
  export(spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
    this.bytes += ProtobufTraceSerializer.serializeRequest(spans)?.length ?? 0;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Round {
  decideUs: number;
  tracedUs: number;
  imps: number;
  wins: number;
  spans: number;
}

/** One tree's handler work over `reqs`; caps and spend advance with the wins between requests. */
function makeRunner(tree: Tree, exporterSpans: { n: number }, flush: () => Promise<void>) {
  const { ads, spans, caps, spend, store } = tree;
  const catalog = ads.generateDemoCatalog();
  const campaigns = new Map(catalog.map((c: { id: string }) => [c.id, c]));
  const index = ads.buildAdIndex(catalog);
  const model = ads.loadPctrModel(JSON.parse(readFileSync(ads.SHIPPED_PCTR_MODEL_URL, 'utf8')));
  const users = ads.generateDemoUsers();
  const segments = new Map<string, UserSegments>(
    users.map((u: { userId: string; segments: UserSegments }) => [
      `uk_${u.userId}`,
      { ...u.segments, userKey: `uk_${u.userId}` },
    ]),
  );
  const reqs = requestsOf(ads, users, 5_000);
  const profiles = reqs.map(
    (r, i) => ads.buildUserProfile(r, (k: string) => segments.get(k), { personalized: i % 20 >= 3 }).profile,
  );
  return async (traced: boolean): Promise<Round> => {
    // Fresh state per round: the same decisions in every round of every tree.
    const state = new store.PartitionState();
    const capsStore = store.storeView('caps', { encode: () => null }, state, new store.Writes(), new store.Writes());
    const spendRows = new Map<string, CampaignSpend>();
    const spendTable = { get: (k: string) => spendRows.get(k), size: 0 };
    const campaignTable = { get: (k: string) => campaigns.get(k), size: campaigns.size };
    const tracer = trace.getTracer('adtrace.auction');
    const rounds = { decideUs: 0, tracedUs: 0, imps: 0, wins: 0, spans: 0 };
    const emitted: Context[] = [];
    // The garbage of the previous round (another tree's, maybe) is not this round's to collect.
    collectGarbage();
    const before = exporterSpans.n;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) {
      const request = reqs[i % reqs.length]!;
      const profile = profiles[i % reqs.length]!;
      const nowMs = T + i * 50;
      const work = () => {
        const capState = caps.capLookup(capsStore, request.userKey);
        const spendOf = spend.spendLookup(spendTable, campaignTable, { USD: 1 }, nowMs, () => {});
        const decisions = ads.decideRequest(index, model, { ...request, receivedAtMs: nowMs }, profile, {
          nowMs,
          ...(capState && { capState }),
          spend: spendOf,
          candidatesK: 32,
          scoredSpans: 3,
          ...(traced && { clock: () => performance.now() }),
        });
        if (traced) {
          for (const d of decisions) {
            spans.traceDecision(tracer, spans.decisionSpans(d, request.eventId), spans.epochTimes(d.times), () =>
              emitted.push(context.active()),
            );
          }
        }
        return decisions;
      };
      let decisions: Module[];
      if (traced) {
        // As the runtime runs a handler: under its process span, a CPU meter and the event id.
        const process = tracer.startSpan('process', { attributes: { 'adtrace.cost.cpu_us': 1 } });
        const ctx = withCpuMeter(trace.setSpan(context.active(), process), { rate: 1, chargedUs: 0 }).setValue(
          EVENT_ID,
          { id: request.eventId },
        );
        decisions = context.with(ctx, work);
        process.end();
      } else decisions = work();
      emitted.length = 0;
      rounds.imps += decisions.length;
      // What the impressions consumer and aggregation would do with the wins, as in serving.
      for (const d of decisions) {
        const w = d.outcome.win;
        if (!w) continue;
        rounds.wins++;
        const c = campaigns.get(w.campaignId) as Module;
        const key = ads.capStateKey(request.userKey, w.campaignId);
        const map = state.store('caps');
        map.set(key, ads.recordImpression(c.frequencyCaps, map.get(key), nowMs));
        const s = spendRows.get(w.campaignId);
        const cost = w.bidType === 'CPM' ? w.clearingPriceCpmMicros / 1000 : 0;
        spendRows.set(w.campaignId, {
          campaignId: w.campaignId,
          currency: 'USD',
          totalSpendMicros: (s?.totalSpendMicros ?? 0) + cost,
          todaySpendMicros: (s?.todaySpendMicros ?? 0) + cost,
          dayStartMs: T - (T % 86_400_000),
          impressions: 1,
          clicks: 0,
          updatedAtMs: nowMs,
          emittedAtMs: nowMs,
        });
      }
    }
    // The batch processor serializes what is left of the round now: its CPU belongs to the round.
    await flush();
    const cpu = process.cpuUsage(cpu0);
    const us = (cpu.user + cpu.system) / REQUESTS;
    if (traced) rounds.tracedUs = us;
    else rounds.decideUs = us;
    rounds.spans = exporterSpans.n - before;
    return rounds;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: demo users of either tree
function requestsOf(ads: Module, users: any[], count: number) {
  const r = random(42);
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(r() * xs.length)]!;
  const banners = [
    { format: [{ w: 300, h: 250 }], pos: 1 },
    { format: [{ w: 320, h: 50 }], pos: 3 },
    {
      format: [
        { w: 728, h: 90 },
        { w: 300, h: 250 },
      ],
      pos: 1,
    },
    {
      format: [
        { w: 300, h: 600 },
        { w: 160, h: 600 },
      ],
      pos: 0,
    },
  ];
  const video = { mimes: ['video/mp4'], minduration: 5, maxduration: 30, w: 640, h: 360, protocols: [2, 3], plcmt: 1 };
  const example = exampleBidRequest as Module;
  return Array.from({ length: count }, (_, i) => {
    const user = pick(users);
    const placement = pick(ads.DEMO_PLACEMENTS) as Module;
    const deviceType = pick(placement.devices as number[][])[0]!;
    const geo = ads.DEMO_GEOS.find((g: Module) => g.country === user.country);
    const imp = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, j) => {
      const isVideo = deviceType === 3 || r() < 0.2;
      return {
        id: String(j + 1),
        banner: isVideo ? null : pick(banners),
        video: isVideo ? video : null,
        audio: null,
        native: null,
        bidfloorMicros: pick([0, 500_000, 1_000_000, 2_000_000, 5_000_000, 15_000_000]),
        bidfloorcur: 'USD',
        tagid: `slot-${j + 1}`,
      };
    });
    const site = placement.platform === 'site';
    return {
      ...example,
      eventId: `ev-${i}`,
      id: `req-${i}`,
      receivedAtMs: T,
      imp,
      site: site ? { ...example.site, domain: placement.placement, cat: [...placement.cat] } : null,
      app: site
        ? null
        : { id: null, bundle: placement.placement, domain: null, cat: [...placement.cat], publisherId: null },
      device: {
        ...example.device,
        devicetype: deviceType,
        os: pick(ads.DEMO_OS_BY_DEVICE[deviceType] ?? ['']),
        geo: { ...example.device.geo, country: user.country, region: pick(geo.regions) },
      },
      userKey: i % 20 < 3 ? `anon_${i}` : `uk_${user.userId}`,
      regs: { ...example.regs, gdpr: false, consent: null },
      bcat: r() < 0.3 ? ['IAB8-5', 'IAB9-7'] : [],
      badv: [],
      tmax: null,
    };
  });
}

export default async function run() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new SerializingExporter();
  const counted = { n: 0 };
  const provider = new TracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(1) }),
    spanProcessors: [
      new EventIdSpanProcessor(),
      new CostSpanProcessor(),
      {
        onStart: () => {},
        onEnd: () => void counted.n++,
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      },
      new BatchSpanProcessor({ exporter, maxQueueSize: 65_536, maxExportBatchSize: 2_048, scheduledDelayMillis: 200 }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  const trees = [await loadTree('branch', resolve(import.meta.dirname, '..'))];
  if (process.env.BENCH_AUCTION_BASE) trees.unshift(await loadTree('base', resolve(process.env.BENCH_AUCTION_BASE)));
  const runners = trees.map((t) => ({ tree: t, run: makeRunner(t, counted, () => provider.forceFlush()) }));
  const results = new Map<string, Round[]>(trees.map((t) => [t.name, []]));
  for (const { run } of runners) await run(false); // warm-up, untimed
  for (const { run } of runners) await run(true);
  const rows: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A, B, then B, A: neither tree always runs right after the other.
    for (const { tree, run } of round % 2 === 0 ? runners : [...runners].reverse()) {
      const load = loadavg()[0]!;
      const d = await run(false);
      const t = await run(true);
      const r = { ...t, decideUs: d.decideUs };
      results.get(tree.name)!.push(r);
      rows.push(
        `${String(round + 1).padEnd(6)}${tree.name.padEnd(8)}${r.decideUs.toFixed(1).padStart(10)}${r.tracedUs
          .toFixed(1)
          .padStart(10)}${(r.tracedUs - r.decideUs).toFixed(1).padStart(10)}${(r.spans / REQUESTS)
          .toFixed(2)
          .padStart(12)}${(r.imps / REQUESTS).toFixed(2).padStart(8)}${(r.wins / r.imps).toFixed(3).padStart(8)}${load
          .toFixed(1)
          .padStart(7)}`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const figures: Record<string, number> = {};
  for (const [name, rs] of results) {
    figures[`decide_cpu_us_per_request_${name}`] = Number(median(rs.map((r) => r.decideUs)).toFixed(1));
    figures[`traced_cpu_us_per_request_${name}`] = Number(median(rs.map((r) => r.tracedUs)).toFixed(1));
    figures[`spans_per_request_${name}`] = Number((rs[0]!.spans / REQUESTS).toFixed(2));
  }
  const ratios: Record<string, number> = {};
  if (results.has('base')) {
    ratios.decide_branch_vs_base = Number(
      (figures.decide_cpu_us_per_request_branch! / figures.decide_cpu_us_per_request_base!).toFixed(3),
    );
    ratios.traced_branch_vs_base = Number(
      (figures.traced_cpu_us_per_request_branch! / figures.traced_cpu_us_per_request_base!).toFixed(3),
    );
  }
  await provider.shutdown();
  const table = [
    `The auction handler without Kafka, CPU µs per request (${REQUESTS} requests per round, demo catalog; median below)`,
    `round tree        decide    traced  of spans  spans/req  imps/req    fill   load`,
    ...rows,
  ].join('\n');
  return { table, figures, ratios };
}
