import { readFileSync } from 'node:fs';
import type { Campaign } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { DEMO_CATALOG_URL, DEMO_SEGMENT_DEFINITIONS_URL, parseNdjson } from '../demo/files.ts';
import { campaignScope } from './campaign-scope.ts';
import { isBehaviourCriterion, parseSegmentDefinitions, SegmentDefinitionError } from './definitions.ts';

const travel = {
  id: 'seg-travel-clickers',
  name: 'Clicked travel this week',
  type: 'behavioural',
  criteria: [
    { type: 'clicks', withinDays: 7, campaigns: ['cmp-0001'] },
    { type: 'age_bracket', in: ['AGE_25_34', 'AGE_35_44'] },
  ],
};

function problemsOf(input: unknown): readonly string[] {
  try {
    parseSegmentDefinitions(input);
  } catch (err) {
    if (err instanceof SegmentDefinitionError) return err.problems;
    throw err;
  }
  throw new Error('accepted');
}

describe('segment definitions', () => {
  it('a valid file: defaults filled in (min 1), unknown campaigns list left out', () => {
    const defs = parseSegmentDefinitions({
      segments: [
        travel,
        {
          id: 'seg-big-spenders',
          name: ' Spenders ',
          type: 'behavioural',
          criteria: [{ type: 'conversion_value', withinDays: 30, minUsd: 100 }],
        },
        { id: 'seg-pet-people', name: 'Pets', type: 'attribute', criteria: [{ type: 'interests', any: ['IAB16'] }] },
      ],
    });
    expect(defs[0]).toEqual({
      id: 'seg-travel-clickers',
      name: 'Clicked travel this week',
      type: 'behavioural',
      criteria: [
        { type: 'clicks', withinDays: 7, min: 1, campaigns: ['cmp-0001'] },
        { type: 'age_bracket', in: ['AGE_25_34', 'AGE_35_44'] },
      ],
    });
    expect(defs[1]).toEqual({
      id: 'seg-big-spenders',
      name: 'Spenders',
      type: 'behavioural',
      criteria: [{ type: 'conversion_value', withinDays: 30, minUsd: 100 }],
    });
    expect(defs[2]?.type).toBe('attribute');
  });

  it('each bad field is named by its path', () => {
    const problems = problemsOf({
      segments: [
        { ...travel, criteria: [{ type: 'clicks', withinDays: 0 }] },
        { ...travel, id: 'Bad Id', type: 'lookalike' },
        { ...travel, id: 'seg-x', criteria: [{ type: 'impressions', withinDays: 3, min: 5, max: 2, campaign: 'c1' }] },
        {
          ...travel,
          id: 'seg-y',
          criteria: [
            { type: 'age_bracket', in: ['AGE_30_40'] },
            { type: 'visits', withinDays: 1 },
          ],
        },
        { ...travel, id: 'seg-z', criteria: [{ type: 'conversion_value', withinDays: 7, minUsd: -1 }] },
      ],
    });
    expect(problems).toEqual([
      'segments[0].criteria[0].withinDays must be a whole number of days in [1, 366], got 0',
      'segments[1].id must be lower-case letters, digits, ".", "_" or "-" (1–64), got "Bad Id"',
      'segments[1].type must be one of behavioural, attribute, got "lookalike"',
      'segments[2].criteria[0].campaign is not a known field (type, withinDays, min, max, campaigns, advertisers, categories)',
      'segments[2].criteria[0].max (2) is below min (5)',
      expect.stringContaining('segments[3].criteria[0].in: "AGE_30_40" is not an age bracket'),
      expect.stringContaining('segments[3].criteria[1].type must be one of impressions, clicks, conversions'),
      'segments[4].criteria[0].minUsd must be an amount in USD in [0, 1e9], got -1',
    ]);
  });

  it('refuses duplicate ids, a type its criteria do not fit, criteria that match everyone, and a file without segments', () => {
    expect(problemsOf({ segments: [travel, travel] })).toEqual([
      'segments[1].id "seg-travel-clickers" is also segments[0].id',
    ]);
    expect(problemsOf({ segments: [{ ...travel, type: 'attribute' }] })).toEqual([
      'segments[0].criteria: an attribute segment takes only age_bracket, interests criteria',
    ]);
    expect(problemsOf({ segments: [{ ...travel, criteria: [{ type: 'interests', any: ['IAB1'] }] }] })).toEqual([
      'segments[0].criteria: a behavioural segment needs one of impressions, clicks, conversions, conversion_value',
    ]);
    expect(
      problemsOf({ segments: [{ ...travel, criteria: [{ type: 'impressions', withinDays: 1, min: 0 }] }] }),
    ).toEqual(['segments[0].criteria[0]: min 0 without max matches everyone; give a max']);
    expect(problemsOf({ segments: [{ ...travel, criteria: [] }] })).toEqual([
      'segments[0].criteria must be a non-empty array, got []',
    ]);
    expect(problemsOf([travel])).toEqual(['the file must be a JSON object with a "segments" array']);
    expect(problemsOf({ segments: [], extra: 1 })).toEqual([
      'extra is not a known field (segments, description)',
      'segments must hold at least one definition',
    ]);
  });

  it('the shipped demo definitions are valid and resolve against the demo catalog', () => {
    const defs = parseSegmentDefinitions(JSON.parse(readFileSync(DEMO_SEGMENT_DEFINITIONS_URL, 'utf8')));
    expect(defs.map((d) => d.id)).toContain('seg-young-travellers');
    const catalog = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
    for (const d of defs)
      d.criteria.filter(isBehaviourCriterion).forEach((c, i) => {
        const scope = campaignScope(c, catalog, `${d.id}[${i}]`);
        if (scope !== undefined) expect(scope.length).toBeGreaterThan(0);
      });
  });
});
