// What `adtrace campaigns publish` refuses: what the Avro codec refuses (types, enums, missing
// fields, named by path), then what the schema cannot say but the auction relies on.
import { EMBEDDING_DIM } from '@adtrace/ads';
import { type Campaign, type Codec, createCodec, isCodecError, RecordNames } from '@adtrace/schemas';
import { type FileRecord, RecordFileError } from './record-file.ts';

export interface CheckedCampaign {
  readonly campaign: Campaign;
  readonly value: Buffer;
}

let codec: Codec<Campaign> | undefined;

/**
 * Every record a valid Campaign, encoded; else a RecordFileError listing each bad campaign by
 * line and field: `line 3: campaign c-7: ads[1].bidMicros must be positive`. Nothing is
 * published unless the whole file is good, so a half-published catalog never exists.
 */
export function checkCampaigns(records: readonly FileRecord[]): CheckedCampaign[] {
  codec ??= createCodec(RecordNames.Campaign);
  const problems: string[] = [];
  const out: CheckedCampaign[] = [];
  const campaignLines = new Map<string, number>();
  const adOwners = new Map<string, string>();
  for (const { line, value } of records) {
    const id = typeof (value as { id?: unknown })?.id === 'string' ? (value as { id: string }).id : '?';
    const at = `line ${line}: campaign ${id}`;
    let bytes: Buffer;
    try {
      bytes = codec.encode(value as Campaign);
    } catch (err) {
      if (!isCodecError(err)) throw err;
      const path = /: ([^:]+)$/.exec(err.message)?.[1];
      problems.push(`${at}: ${path ? `${dotted(path)} has the wrong type or is missing` : err.message}`);
      continue;
    }
    const campaign = value as Campaign;
    const issues = fieldIssues(campaign);
    const previous = campaignLines.get(campaign.id);
    if (previous !== undefined) issues.push(`id repeats the campaign of line ${previous}`);
    campaignLines.set(campaign.id, line);
    campaign.ads.forEach((ad, i) => {
      const owner = adOwners.get(ad.id);
      if (owner !== undefined) issues.push(`ads[${i}].id ${ad.id} is already an ad of campaign ${owner}`);
      adOwners.set(ad.id, campaign.id);
    });
    for (const issue of issues) problems.push(`${at}: ${issue}`);
    if (issues.length === 0) out.push({ campaign, value: bytes });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    throw new RecordFileError(`refused, nothing published:\n  ${shown.join('\n  ')}`);
  }
  return out;
}

/** `ads.0.bidType` (the codec's path) as a person writes it: `ads[0].bidType`. */
const dotted = (path: string): string => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');

function fieldIssues(c: Campaign): string[] {
  const issues: string[] = [];
  if (c.id.trim() === '') issues.push('id must not be empty');
  if (c.advertiserId.trim() === '') issues.push('advertiserId must not be empty');
  if (c.startMs !== null && c.endMs !== null && c.endMs <= c.startMs) issues.push('endMs must be after startMs');
  if (!/^[A-Z]{3}$/.test(c.budget.currency)) issues.push('budget.currency must be an ISO-4217 code like USD');
  if (c.budget.totalMicros < 0) issues.push('budget.totalMicros must not be negative');
  if (c.budget.dailyMicros !== null && c.budget.dailyMicros <= 0) issues.push('budget.dailyMicros must be positive');
  c.frequencyCaps.forEach((cap, i) => {
    if (cap.maxImpressions < 1) issues.push(`frequencyCaps[${i}].maxImpressions must be at least 1`);
    if (cap.windowMs < 1000) issues.push(`frequencyCaps[${i}].windowMs must be at least 1000`);
  });
  if (c.ads.length === 0) issues.push('ads must hold at least one ad');
  const seen = new Set<string>();
  c.ads.forEach((ad, i) => {
    const at = `ads[${i}]`;
    if (ad.id.trim() === '') issues.push(`${at}.id must not be empty`);
    if (seen.has(ad.id)) issues.push(`${at}.id ${ad.id} repeats within the campaign`);
    seen.add(ad.id);
    if (!(ad.bidMicros > 0)) issues.push(`${at}.bidMicros must be positive`);
    if (ad.embedding.length !== EMBEDDING_DIM)
      issues.push(`${at}.embedding must have ${EMBEDDING_DIM} values, has ${ad.embedding.length}`);
    else if (!ad.embedding.every(Number.isFinite)) issues.push(`${at}.embedding must be finite numbers`);
    if (ad.creative.format === 'BANNER' && !(ad.creative.w > 0 && ad.creative.h > 0))
      issues.push(`${at}.creative w and h must be positive for a banner`);
  });
  return issues;
}
