/**
 * The pipeline services: the one place a service is registered. `adtrace up`, `adtrace start`,
 * `adtrace status` and `down` run what is listed here, in this order (upstream first, the
 * warehouse before everything so it receives their spans); test/compose checks that every entry
 * has a docker-compose service and that every services/<name>/src/main.ts has an entry;
 * deploy/k8s/ is rendered from it (`pnpm k8s`) and test/deploy checks it is current.
 *
 * Each service gets its own ports on one machine, so all of them can run side by side; an
 * environment variable of the same name overrides a port.
 */
export interface ServiceEntry {
  /** The folder under services/ and the name on the command line. */
  readonly name: string;
  /** One line for `adtrace up --help`. */
  readonly summary: string;
  /**
   * Its readiness endpoint: 200 once it takes work (for a stream service, /readyz of the runtime:
   * the consumer has joined and its stores are restored). `up` and `start` wait for it.
   */
  readonly ready: { readonly portVar: string; readonly port: number; readonly path: string };
  /** Its Prometheus endpoint (ADTRACE_METRICS_PORT). */
  readonly metricsPort: number;
  /**
   * Variables holding secrets it cannot start without. On one machine `up` and `start` make each
   * once (random, under .adtrace/secrets, mode 0600) and pass it as `<VAR>_FILE`, unless the
   * environment sets `<VAR>` or `<VAR>_FILE`; compose and Kubernetes must be given them.
   */
  readonly secrets?: readonly string[];
  /**
   * It computes numbers that can be rebuilt from the beginning as a new generation beside the
   * live one (`adtrace roas rebuild`): the variable naming the generation, and the one naming its
   * consumer group when the environment sets a base group (a rebuild gets `<group>-g<N>`).
   */
  readonly generations?: { readonly variable: string; readonly groupVariable: string };
  /** A web page it serves (the warehouse's web view): `up` prints its URL, `status --json` gives it as `ui`. */
  readonly ui?: { readonly portVar: string; readonly port: number; readonly path: string };
  /** It receives the other services' spans (OTLP): it stops after them, so their last export reaches it. */
  readonly receivesSpans?: true;
}

/** A service built on the stream runtime: /readyz on <NAME>_HEALTH_PORT. */
export function streamService(
  name: string,
  summary: string,
  healthPort: number,
  metricsPort: number,
  secrets: readonly string[] = [],
): ServiceEntry {
  const portVar = `${name.toUpperCase().replaceAll('-', '_')}_HEALTH_PORT`;
  return { name, summary, ready: { portVar, port: healthPort, path: '/readyz' }, metricsPort, secrets };
}

export const serviceRegistry: readonly ServiceEntry[] = [
  {
    name: 'warehouse',
    summary: 'OTLP span receiver (:4317), topic loader, query API and web view (:8686)',
    // Its loader is a sink of the stream runtime, whose knobs live under WAREHOUSE_LOADER_*.
    ready: { portVar: 'WAREHOUSE_LOADER_HEALTH_PORT', port: 8081, path: '/readyz' },
    metricsPort: 9464,
    // The web view, on the query API's server.
    ui: { portVar: 'WAREHOUSE_API_PORT', port: 8686, path: '/ui/' },
    receivesSpans: true,
  },
  streamService('ingest', 'OpenRTB bid requests → BidRequest', 8082, 9465, ['INGEST_USER_KEY_SECRET']),
  streamService('profiling', 'BidRequest → ProfiledRequest (segments global table)', 8083, 9466),
  streamService('auction', 'ProfiledRequest + Impression → AuctionOutcome per imp', 8084, 9467),
  // Its tracking-token signing keys: `up` makes one local key (`local`) under .adtrace/secrets.
  streamService('delivery', 'AuctionOutcome → Impression with a signed tracking token', 8085, 9468, [
    'DELIVERY_TOKEN_KEYS',
  ]),
  // It verifies delivery's tokens and keys conversions as ingest keys requests: the same two local
  // secrets (one file each under .adtrace/secrets), read through the shared variable names.
  streamService('tracking', 'raw clicks and conversions → re-keyed → last-touch AttributedEvent', 8086, 9469, [
    'DELIVERY_TOKEN_KEYS',
    'INGEST_USER_KEY_SECRET',
  ]),
  // 8086/9469 are left to tracking, upstream of it.
  {
    ...streamService('aggregation', 'AttributedEvent → ROAS windows, campaign spend, alerts', 8087, 9470),
    generations: { variable: 'AGGREGATION_GENERATION', groupVariable: 'AGGREGATION_GROUP' },
  },
];
