import type { OpenRtbRequest } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { decideConsent } from './consent.ts';
import { gppString, tcString } from './consent-strings.test-data.ts';

type Signals = Pick<OpenRtbRequest, 'regs' | 'user'>;
const request = (regs: Partial<OpenRtbRequest['regs']>, consent?: string): Signals => ({
  regs: { coppa: false, gpp_sid: [], ...regs },
  ...(consent !== undefined && { user: { consent } }),
});

describe('consent', () => {
  it('personalizes without any restricting signal', () => {
    expect(decideConsent(request({}))).toEqual({ personalized: true, restrictions: [] });
    expect(decideConsent(request({ gdpr: false }))).toEqual({ personalized: true, restrictions: [] });
  });

  it('personalizes under GDPR with a TCF v2 string granting purposes 1 and 4', () => {
    expect(decideConsent(request({ gdpr: true }, tcString([1, 2, 3, 4, 7])))).toEqual({
      personalized: true,
      restrictions: [],
    });
  });

  it.each([
    ['no consent string', undefined, ['gdpr_no_consent_string']],
    ['purpose 1 only', tcString([1]), ['gdpr_no_purpose_4']],
    ['purpose 4 only', tcString([4]), ['gdpr_no_purpose_1']],
    ['no purposes', tcString([]), ['gdpr_no_purpose_1', 'gdpr_no_purpose_4']],
    ['a string that is not TCF', 'not-a-consent-string', ['gdpr_invalid_consent_string']],
  ])('is contextual under GDPR with %s', (_, consent, restrictions) => {
    expect(decideConsent(request({ gdpr: true }, consent))).toEqual({ personalized: false, restrictions });
  });

  it('checks our vendor when told our vendor id', () => {
    const withVendor = tcString([1, 4], [755]);
    expect(decideConsent(request({ gdpr: true }, withVendor), { vendorId: 755 }).personalized).toBe(true);
    expect(decideConsent(request({ gdpr: true }, withVendor), { vendorId: 32 }).restrictions).toEqual([
      'gdpr_no_vendor_consent',
    ]);
  });

  it('applies GDPR to a request that does not say when configured to', () => {
    expect(decideConsent(request({}), { gdprDefault: true }).restrictions).toEqual(['gdpr_no_consent_string']);
  });

  it('is contextual under COPPA', () => {
    expect(decideConsent(request({ coppa: true }))).toEqual({ personalized: false, restrictions: ['coppa'] });
  });

  it.each([
    ['1YYN', false],
    ['1NYY', false],
    ['1yyn', false],
    ['1YNN', true],
    ['1---', true],
    ['garbage', true],
  ])('reads us_privacy %s', (usPrivacy, personalized) => {
    expect(decideConsent(request({ us_privacy: usPrivacy })).personalized).toBe(personalized);
  });

  it('is contextual with a GPP opt-out of sale or targeted advertising', () => {
    const sale = gppString('usnat', { SaleOptOutNotice: 1, SaleOptOut: 1, TargetedAdvertisingOptOut: 2 });
    const targeted = gppString('usca', { SaleOptOut: 2, SharingOptOut: 2, SaleOptOutNotice: 1 });
    const uspv1 = gppString('uspv1', { Notice: 'Y', OptOutSale: 'Y' });
    expect(decideConsent(request({ gpp: sale, gpp_sid: [7] })).restrictions).toEqual(['gpp_opt_out']);
    expect(decideConsent(request({ gpp: uspv1, gpp_sid: [6] })).restrictions).toEqual(['gpp_opt_out']);
    expect(decideConsent(request({ gpp: targeted, gpp_sid: [8] })).personalized).toBe(true);
    const noOptOut = gppString('usnat', { SaleOptOutNotice: 1, SaleOptOut: 2, TargetedAdvertisingOptOut: 2 });
    expect(decideConsent(request({ gpp: noOptOut, gpp_sid: [7] })).personalized).toBe(true);
  });

  it('is contextual with a GPP string it cannot read', () => {
    expect(decideConsent(request({ gpp: 'zzz' })).restrictions).toEqual(['gpp_invalid_string']);
  });
});
