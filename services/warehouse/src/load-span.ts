import { CostAttributes, SpanAttributes } from '@adtrace/telemetry';
import type { LoadResult } from '@adtrace/warehouse';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { chargePhase, startPhase, UNMEASURED } from './cpu-phase.ts';
import { groupCpuMicros } from './group-cpu.ts';

/** The span name of a load; a load of nothing but such spans is not traced again (it would never end). */
export const LOAD_SPAN_PREFIX = 'warehouse.load ';
// TRACE_LOAD_SPAN of @adtrace/warehouse (the cost report's name for storing traces) is this prefix + 'spans'.

const tracer = trace.getTracer('@adtrace/service-warehouse');

/**
 * Runs one warehouse load in its own root span, `warehouse.load <table>` (one load serves many
 * events: it belongs to no event's trace; `adtrace cost` counts it as its stage's shared work).
 * The span carries the bytes the load wrote (`adtrace.storage.bytes_written`: the rows that were
 * new, as a storage-write API bills them), which the cost processor prices at the storage-write
 * list price: storing traces and aggregates shows in the cost report. Its CPU is the load's
 * phase on the process's CPU ledger (cpu-phase.ts), plus `decodeCpuMicros`: the CPU of decoding
 * the OTLP requests whose spans it stores (measured apart, `adtrace.load.decode_cpu_us`), so a
 * load of spans costs what storing those spans took, and nothing that ran beside it.
 */
export function tracedLoad(table: string, load: () => Promise<LoadResult>, decodeCpuMicros = 0): Promise<LoadResult> {
  const attributes = { ...UNMEASURED, ...(decodeCpuMicros > 0 && { 'adtrace.load.decode_cpu_us': decodeCpuMicros }) };
  return tracer.startActiveSpan(`${LOAD_SPAN_PREFIX}${table}`, { root: true, attributes }, async (span) => {
    const phase = startPhase();
    let group: LoadResult['group'];
    try {
      const result = await load();
      group = result.group;
      // Rows already there (a redelivery) are not written again: only the new ones' share.
      const written = result.received > 0 ? Math.round((result.bytesWritten * result.inserted) / result.received) : 0;
      span.setAttributes({
        [SpanAttributes.storageBytesWritten]: written,
        'adtrace.load.table': table,
        'adtrace.load.rows_received': result.received,
        'adtrace.load.rows_inserted': result.inserted,
      });
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      if (group) {
        // One transaction with other loads: its CPU split by bytes among them (group-cpu.ts).
        const cpuMicros = await groupCpuMicros(group, phase.end().cpuMicros);
        span.setAttribute(CostAttributes.cpuMicros, cpuMicros + decodeCpuMicros);
      } else chargePhase(span, phase, decodeCpuMicros);
      span.end();
    }
  });
}
