import { readFileSync } from 'node:fs';
import { DEMO_CATALOG_URL } from '@adtrace/ads';
import { createCodec, RecordNames } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { checkCampaigns } from './campaign-checks.ts';
import { parseRecordFile } from './record-file.ts';

const demo = parseRecordFile(readFileSync(DEMO_CATALOG_URL, 'utf8'));
// biome-ignore lint/suspicious/noExplicitAny: test edits of plain JSON records
const first = demo[0]!.value as any;
const at = (line: number, value: unknown) => ({ line, value });

describe('checkCampaigns', () => {
  it('accepts the whole demo catalog and encodes each campaign as Avro', () => {
    const checked = checkCampaigns(demo);
    expect(checked.length).toBe(demo.length);
    expect(checked.length).toBeGreaterThanOrEqual(200);
    expect(createCodec(RecordNames.Campaign).decode(checked[0]!.value)).toEqual(first);
  });

  it('refuses a type error by line, campaign and field path', () => {
    const bad = { ...first, ads: [first.ads[0], { ...first.ads[1], bidType: 'CPX' }] };
    expect(() => checkCampaigns([at(1, demo[1]!.value), at(7, bad)])).toThrow(
      `line 7: campaign ${first.id}: ads[1].bidType has the wrong type or is missing`,
    );
    const { name: _, ...nameless } = first;
    expect(() => checkCampaigns([at(3, nameless)])).toThrow(/line 3: campaign .*: name has the wrong type/);
  });

  it('refuses what the schema allows but the auction cannot use, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...first, ads: [{ ...first.ads[0], bidMicros: 0 }] }, /ads\[0\]\.bidMicros must be positive/],
      [{ ...first, ads: [{ ...first.ads[0], embedding: [0.1, 0.2] }] }, /ads\[0\]\.embedding must have 32 values/],
      [{ ...first, budget: { ...first.budget, currency: 'usd' } }, /budget\.currency/],
      [{ ...first, frequencyCaps: [{ maxImpressions: 0, windowMs: 60_000 }] }, /frequencyCaps\[0\]\.maxImpressions/],
      [{ ...first, startMs: 2000, endMs: 1000 }, /endMs must be after startMs/],
      [{ ...first, ads: [] }, /ads must hold at least one ad/],
      [{ ...first, advertiserId: ' ' }, /advertiserId must not be empty/],
    ];
    for (const [value, message] of cases) expect(() => checkCampaigns([at(4, value)])).toThrow(message);
  });

  it('refuses repeated campaign ids and an ad id shared by two campaigns', () => {
    const second = demo[1]!.value as typeof first;
    expect(() => checkCampaigns([at(1, first), at(2, first)])).toThrow(/line 2: .*id repeats the campaign of line 1/);
    const thief = { ...second, ads: [first.ads[0]] };
    expect(() => checkCampaigns([at(1, first), at(2, thief)])).toThrow(
      new RegExp(`line 2: campaign ${second.id}: ads\\[0\\]\\.id ${first.ads[0].id} is already an ad of campaign`),
    );
  });
});
