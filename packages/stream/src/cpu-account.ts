/**
 * CPU per chunk phase, for honest cost per span. The runtime reads the process CPU clock at the
 * edges of each phase of a chunk (handle, deliver) — a few reads per chunk, never per span — and
 * hands the phase's CPU to the spans of that phase.
 *
 * Phases of concurrent partitions overlap in time (a chunk's produce and commit wait on the
 * network while another partition handles), and a process CPU clock cannot tell them apart. So a
 * phase is charged the CPU used during it **minus what other phases were charged meanwhile**,
 * and never more than the CPU used since the first phase began that no span has been given yet
 * (clamped at 0). Handler spans charged beyond their message's share (`chargeExcess`) are such
 * gifts too, even when no phase was open to see them: the next phases to end absorb them. So the
 * total charged never exceeds the process CPU used since the first phase began by more than the
 * excess not yet absorbed: summing `adtrace.cost.cpu_us` over every span a process ended stays at
 * most its CPU time, whatever the interleaving. CPU outside every phase (fetching between
 * batches, span export on its timer, GC on its own) is charged to no span.
 */
let charged = 0;
/** The process CPU clock when the first phase began: the ledger's origin. */
let origin: number | undefined;

export function processCpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export class CpuPhase {
  private readonly cpuAtStart = processCpuMicros();
  private readonly chargedAtStart = charged;
  readonly wallAtStart = performance.now();

  constructor() {
    origin ??= this.cpuAtStart;
  }

  /** Ends the phase: the CPU micros it is charged (never counted for another phase). */
  end(): { cpuMicros: number; wallMicros: number } {
    const now = processCpuMicros();
    const used = now - this.cpuAtStart;
    const others = charged - this.chargedAtStart;
    const unclaimed = now - (origin ?? this.cpuAtStart) - charged;
    const cpuMicros = Math.max(0, Math.min(used - others, unclaimed));
    charged += cpuMicros;
    return { cpuMicros, wallMicros: Math.max(1, (performance.now() - this.wallAtStart) * 1000) };
  }
}

/**
 * CPU already given to spans outside a phase's own share (a handler's spans charged more than the
 * message's measured CPU): entered in the ledger, so phases open meanwhile subtract it too.
 */
export function chargeExcess(cpuMicros: number): void {
  if (cpuMicros > 0) charged += cpuMicros;
}

/**
 * The CPU of a chunk's handling, with as few clock reads as possible (each costs microseconds):
 * one CPU segment per stretch of synchronous work — the clock is read when the chunk starts and
 * whenever a handler is about to wait (an async handler, a backoff) and resumes — so what other
 * partitions do while a handler waits is never this chunk's CPU. Each message's synchronous wall
 * time (performance.now(), cheap) apportions the chunk's CPU among its messages.
 */
export class HandlingCpu {
  private segment: CpuPhase | undefined = new CpuPhase();
  private total = 0;
  private syncSince = performance.now();
  private messageSync = 0;
  private waited = false;

  startMessage(): void {
    this.messageSync = 0;
    this.waited = false;
    this.resume();
  }

  pause(): void {
    this.waited = true;
    this.messageSync += performance.now() - this.syncSince;
    if (this.segment) this.total += this.segment.end().cpuMicros;
    this.segment = undefined;
  }

  resume(): void {
    this.segment ??= new CpuPhase();
    this.syncSince = performance.now();
  }

  /**
   * The message's synchronous wall time, ms. A message that waited keeps the segment closed until
   * the next one starts: between them other partitions' handlers resume, and theirs is not ours.
   * (A chunk of synchronous handlers reads the clock only at its two ends.)
   */
  endMessage(): number {
    const ms = this.messageSync + (performance.now() - this.syncSince);
    if (this.waited) this.pause();
    return this.waited ? this.messageSync : ms;
  }

  /** The chunk's handling CPU, micros. */
  end(): number {
    if (this.segment) this.total += this.segment.end().cpuMicros;
    this.segment = undefined;
    return this.total;
  }
}
