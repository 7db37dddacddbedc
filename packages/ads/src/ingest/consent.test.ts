import type { OpenRtbRequest } from '@adtrace/schemas';
import { GppModel } from '@iabgpp/cmpapi';
import { GVL, TCModel, TCString } from '@iabtechlabtcf/core';
import { describe, expect, it } from 'vitest';
import { decideConsent } from './consent.ts';

// Real TCF v2 strings, encoded by the IAB library against a minimal vendor list built here
// (the library needs one to encode; nothing is fetched).
const purposes = Object.fromEntries(
  Array.from({ length: 11 }, (_, i) => [i + 1, { id: i + 1, name: `p${i + 1}`, description: '', illustrations: [] }]),
);
const gvl = new GVL({
  gvlSpecificationVersion: 3,
  vendorListVersion: 1,
  tcfPolicyVersion: 5,
  lastUpdated: '2026-01-01T00:00:00Z',
  purposes,
  specialPurposes: {},
  features: {},
  specialFeatures: {},
  // Vendors the strings may consent to; the encoder drops vendors the list lacks.
  vendors: Object.fromEntries(
    [32, 755].map((id) => [
      id,
      {
        id,
        name: `vendor ${id}`,
        purposes: [1, 4],
        legIntPurposes: [],
        flexiblePurposes: [],
        specialPurposes: [],
        features: [],
        specialFeatures: [],
        policyUrl: 'https://vendor.example/privacy',
      },
    ]),
  ),
  stacks: {},
  dataCategories: {},
} as unknown as ConstructorParameters<typeof GVL>[0]);

function tcString(purposeConsents: number[], vendors: number[] = []): string {
  const model = new TCModel(gvl);
  model.cmpId = 10;
  model.cmpVersion = 1;
  model.consentScreen = 1;
  model.consentLanguage = 'EN';
  model.publisherCountryCode = 'GB';
  model.purposeConsents.set(purposeConsents);
  model.vendorConsents.set(vendors);
  return TCString.encode(model);
}

function gppString(section: string, fields: Record<string, unknown>): string {
  const model = new GppModel();
  for (const [name, value] of Object.entries(fields)) model.setFieldValue(section, name, value);
  return model.encode();
}

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
