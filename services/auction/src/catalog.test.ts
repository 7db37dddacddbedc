import { type Campaign, createCodec, RecordNames } from '@adtrace/schemas';
import { exampleCampaign } from '@adtrace/schemas/testing';
import type { ReadonlyTable } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { createCatalog } from './catalog.ts';

const codec = createCodec(RecordNames.Campaign);
const campaignOf = (id: string, active = true): Campaign => ({
  ...exampleCampaign,
  id,
  active,
  ads: exampleCampaign.ads.map((a) => ({ ...a, id: `${id}-ad` })),
});

/** What the runtime's global table does with a record: decode, then set; a tombstone deletes. */
function table() {
  const catalog = createCatalog(codec.decode);
  const values = new Map<string, Campaign>();
  const view: ReadonlyTable<Campaign> = {
    get: (k) => values.get(k),
    get size() {
      return values.size;
    },
  };
  return {
    catalog,
    view,
    put: (c: Campaign, key = c.id) => values.set(key, catalog.decode(Buffer.from(codec.encode(c)), key)),
    tombstone: (key: string) => values.delete(key),
  };
}

const adIds = (t: ReturnType<typeof table>) => t.catalog.index(t.view).ads.map((a) => a.ad.id);

describe('catalog', () => {
  it('indexes the active campaigns of the table in id order, and rebuilds only after a change', () => {
    const t = table();
    t.put(campaignOf('cmp-b'));
    t.put(campaignOf('cmp-a'));
    t.put(campaignOf('cmp-off', false));
    expect(adIds(t)).toEqual(['cmp-a-ad', 'cmp-b-ad']);
    expect(t.catalog.index(t.view)).toBe(t.catalog.index(t.view));
    expect(t.catalog.builds).toBe(1);
    t.put(campaignOf('cmp-off', true));
    expect(adIds(t)).toEqual(['cmp-a-ad', 'cmp-b-ad', 'cmp-off-ad']);
    expect(t.catalog.builds).toBe(2);
  });

  it('forgets a campaign the table deleted (a tombstone never reaches decode)', () => {
    const t = table();
    t.put(campaignOf('cmp-a'));
    t.put(campaignOf('cmp-b'));
    expect(adIds(t)).toHaveLength(2);
    t.tombstone('cmp-a');
    expect(adIds(t)).toEqual(['cmp-b-ad']);
    // Deleted and another added between two requests: still seen.
    t.tombstone('cmp-b');
    t.put(campaignOf('cmp-c'));
    expect(adIds(t)).toEqual(['cmp-c-ad']);
  });

  it('refuses a campaign keyed by anything but its id', () => {
    const t = table();
    expect(() => t.put(campaignOf('cmp-a'), 'cmp-z')).toThrow(/campaign "cmp-a" keyed by "cmp-z"/);
    expect(adIds(t)).toEqual([]);
  });
});
