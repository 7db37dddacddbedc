import { GppModel } from '@iabgpp/cmpapi';
import { GVL, TCModel, TCString } from '@iabtechlabtcf/core';

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

export function tcString(purposeConsents: number[], vendors: number[] = []): string {
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

export function gppString(section: string, fields: Record<string, unknown>): string {
  const model = new GppModel();
  for (const [name, value] of Object.entries(fields)) model.setFieldValue(section, name, value);
  return model.encode();
}
