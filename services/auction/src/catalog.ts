// The ad index over the campaigns global table. The runtime's table answers get(key) and size,
// and an auction needs every campaign, so the table's decode also notes each key it sees and
// that something changed; the next request rebuilds the index from the table itself. Tombstones
// never reach decode, but a delete is the only way the table loses a key: a table smaller than
// the keys noted means a delete, and the keys it no longer holds are forgotten.
import { type AdIndex, buildAdIndex } from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';
import type { ReadonlyTable } from '@adtrace/stream';

export interface Catalog {
  /** The campaigns table's decode: a record keyed by anything but its campaign id is refused. */
  decode(bytes: Buffer, key: string): Campaign;
  /** The index of the table's campaigns now; rebuilt only after a change (O(ads)). */
  index(table: ReadonlyTable<Campaign>): AdIndex;
  /** How many times the index was built (tests and logs). */
  readonly builds: number;
}

export function createCatalog(decodeCampaign: (bytes: Buffer) => Campaign): Catalog {
  const keys = new Set<string>();
  let changed = true;
  let current: AdIndex | undefined;
  let builds = 0;
  return {
    decode(bytes, key) {
      const campaign = decodeCampaign(bytes);
      if (campaign.id !== key) {
        // The table would hold it under a key nothing looks up: impressions name campaign ids.
        throw new Error(`campaign ${JSON.stringify(campaign.id)} keyed by ${JSON.stringify(key)}`);
      }
      keys.add(key);
      changed = true;
      return campaign;
    },
    index(table) {
      if (current && !changed && table.size === keys.size) return current;
      const campaigns: Campaign[] = [];
      for (const key of keys) {
        const campaign = table.get(key);
        if (campaign) campaigns.push(campaign);
        else keys.delete(key);
      }
      // In id order, so that the index (and ties it breaks) does not depend on arrival order.
      campaigns.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      current = buildAdIndex(campaigns);
      changed = false;
      builds += 1;
      return current;
    },
    get builds() {
      return builds;
    },
  };
}
