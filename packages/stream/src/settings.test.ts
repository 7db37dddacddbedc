import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from './errors.ts';
import { checkSettingNames } from './settings.ts';

const known = ['AUCTION_SCORED_SPANS', 'AUCTION_LINGER_MS', 'AUCTION_GROUP'];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('checkSettingNames', () => {
  it('refuses a name a few edits from a setting, naming both', () => {
    const check = (name: string) => () => checkSettingNames({ [name]: '5' }, ['AUCTION'], known);
    expect(check('AUCTION_SCORED_ADS')).toThrow(ConfigError);
    expect(check('AUCTION_SCORED_ADS')).toThrow(/^AUCTION_SCORED_ADS: .*did you mean AUCTION_SCORED_SPANS\?/);
    expect(check('AUCTION_LINGER')).toThrow(/did you mean AUCTION_LINGER_MS\?/);
    expect(check('AUCTION_GRUOP')).toThrow(/did you mean AUCTION_GROUP\?/);
  });

  it("warns once about a name no setting is near (it may be a tool's), and goes on", () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const env = { AUCTION_BENCHMARK_REPORT_DIR: '/tmp/x' };
    checkSettingNames(env, ['AUCTION'], known);
    checkSettingNames(env, ['AUCTION'], known);
    expect(warnings.mock.calls.map((c) => [String(c[0]), c[1]])).toEqual([
      ['AUCTION_BENCHMARK_REPORT_DIR is set, but no setting of this service has that name: ignored', 'ConfigWarning'],
    ]);
  });

  it("passes known names, empty values and other services' variables", () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const env = { AUCTION_SCORED_SPANS: '3', AUCTION_SCORED_ADS: ' ', INGEST_SCORED_ADS: '1', AUCTIONS_X: '1' };
    expect(() => checkSettingNames(env, ['AUCTION'], known)).not.toThrow();
    expect(warnings).not.toHaveBeenCalled();
  });
});
