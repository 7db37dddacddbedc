import { describe, expect, it } from 'vitest';
import { stopWaves } from './services.ts';

describe('stopWaves', () => {
  it('stops the services that export spans together, then the warehouse that receives them', () => {
    expect(stopWaves(['warehouse', 'ingest', 'profiling', 'aggregation'])).toEqual([
      ['ingest', 'profiling', 'aggregation'],
      ['warehouse'],
    ]);
    expect(stopWaves(['warehouse'])).toEqual([['warehouse']]);
    expect(stopWaves(['tracking'])).toEqual([['tracking']]);
    expect(stopWaves([])).toEqual([]);
  });
});
