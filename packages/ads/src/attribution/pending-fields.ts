import type { AttributedEvent } from '@adtrace/schemas';

/**
 * Fields AttributedEvent needs and schemas/AttributedEvent.avsc does not have yet (requested
 * from the schema owner; this package never edits schemas). Until they land, the Avro codec
 * drops them on the wire; once they do, this intersection adds nothing and can go.
 */
export interface PendingAttributedEventFields {
  /** The impression the event belongs to or was attributed to; de-duplication key of impressions and clicks. */
  readonly impressionId: string;
  /** Conversions: event id of the touch (click id, or impression id for a view); null otherwise. */
  readonly touchEventId: string | null;
  /** Conversions: event time of the touch, epoch ms; null otherwise. */
  readonly touchTimeMs: number | null;
  /** Conversions: ISO-4217 currency the value was reported in; "USD" otherwise. */
  readonly originalCurrency: string;
  /** Conversions: value in micros of originalCurrency, before conversion to USD; 0 otherwise. */
  readonly originalValueMicros: number;
  /** pCTR model version that scored the impression (impressions and clicks), for calibration per version; "" when unknown. */
  readonly modelVersion: string;
}

export type AttributedEventRecord = AttributedEvent & PendingAttributedEventFields;
