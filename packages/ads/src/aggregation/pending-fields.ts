import type { RoasWindow } from '@adtrace/schemas';

/**
 * Fields issue 13 adds to RoasWindow and schemas/RoasWindow.avsc lacks (requested from the
 * schema owner; this package never edits schemas). Until they land the codec drops them.
 */
export interface PendingRoasWindowFields {
  /** Rebuild generation; a consumer keeps one generation current (see generations.ts). */
  readonly generation: number;
  /** ISO-4217 currency of spend and revenue: always "USD". */
  readonly currency: string;
  /** Events for this window that arrived after its grace ended: sent to adtrace.late-events, not in the totals. */
  readonly lateDropped: number;
  readonly clickThroughConversions: number;
  readonly viewThroughConversions: number;
  readonly clickThroughRevenueMicros: number;
  readonly viewThroughRevenueMicros: number;
}

export type RoasWindowRecord = RoasWindow & PendingRoasWindowFields;
