// Which campaigns a behavioural criterion counts: the campaigns it names, the campaigns of the
// advertisers it names, and the campaigns with an ad in the categories it names — all that are
// given must hold. Advertisers and categories are resolved through the campaign catalog (the
// warehouse's events carry campaign ids only); one that matches no campaign refuses the build,
// so a typo cannot quietly empty a segment.
import type { Campaign } from '@adtrace/schemas';
import type { BehaviourCriterion } from './definitions.ts';
import { SegmentDefinitionError } from './definitions.ts';

/** Whether any criterion needs the catalog (so the caller reads it only then). */
export function needsCatalog(criteria: readonly BehaviourCriterion[]): boolean {
  return criteria.some((c) => c.advertisers !== undefined || c.categories !== undefined);
}

/** The campaign ids a criterion is limited to, or undefined for any campaign. */
export function campaignScope(
  criterion: BehaviourCriterion,
  catalog: readonly Campaign[] | undefined,
  at: string,
): string[] | undefined {
  const { campaigns, advertisers, categories } = criterion;
  if (advertisers === undefined && categories === undefined) return campaigns ? [...campaigns] : undefined;
  if (!catalog) throw new SegmentDefinitionError([`${at}: advertisers and categories need the campaign catalog`]);
  const problems: string[] = [];
  let scope = catalog;
  if (campaigns) scope = scope.filter((c) => campaigns.includes(c.id));
  if (advertisers) {
    for (const a of advertisers)
      if (!catalog.some((c) => c.advertiserId === a)) problems.push(`${at}.advertisers: "${a}" has no campaign`);
    scope = scope.filter((c) => advertisers.includes(c.advertiserId));
  }
  if (categories) {
    const inCategory = (c: Campaign, cat: string) =>
      c.ads.some((ad) => ad.creative.cat.some((x) => x === cat || x.startsWith(`${cat}-`)));
    for (const cat of categories)
      if (!catalog.some((c) => inCategory(c, cat)))
        problems.push(`${at}.categories: no campaign has an ad in "${cat}"`);
    scope = scope.filter((c) => categories.some((cat) => inCategory(c, cat)));
  }
  if (problems.length > 0) throw new SegmentDefinitionError(problems);
  return scope.map((c) => c.id).sort();
}
