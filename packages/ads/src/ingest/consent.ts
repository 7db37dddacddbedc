import type { OpenRtbRequest } from '@adtrace/schemas';
import { GppModel } from '@iabgpp/cmpapi';
import { TCString } from '@iabtechlabtcf/core';

/** Why a request may not be personalized; empty when it may. Names, never the strings. */
export type ConsentRestriction =
  | 'coppa'
  | 'gdpr_no_consent_string'
  | 'gdpr_invalid_consent_string'
  | 'gdpr_no_purpose_1'
  | 'gdpr_no_purpose_4'
  | 'gdpr_no_vendor_consent'
  | 'us_privacy_opt_out'
  | 'gpp_opt_out'
  | 'gpp_invalid_string';

export interface ConsentDecision {
  /** false → a contextual auction only: no profile, no caps, no user key stored. */
  readonly personalized: boolean;
  readonly restrictions: readonly ConsentRestriction[];
}

export interface ConsentOptions {
  /** Our IAB Global Vendor List id; when set, the TCF string must also consent to this vendor. */
  readonly vendorId?: number;
  /** Whether GDPR applies when the request does not say (Prebid Server's gdpr.default_value); default false. */
  readonly gdprDefault?: boolean;
}

// TCF purposes a personalized auction needs: 1 store/access information on a device, 4 use
// profiles to select personalised advertising. Both need consent; legitimate interest does not do.
const PURPOSE_STORE = 1;
const PURPOSE_PERSONALISED_ADS = 4;
// GPP US sections (usnat, usca, usva, …) say 1 = opted out, 2 = did not opt out, 0 = not applicable.
const US_OPT_OUTS = ['SaleOptOut', 'SharingOptOut', 'TargetedAdvertisingOptOut'];
const OPTED_OUT = 1;

/**
 * Whether a request may be personalized, from its privacy signals: COPPA; GDPR without a TCF
 * v2 string granting purposes 1 and 4; a US opt-out of sale, sharing or targeted advertising
 * in us_privacy or GPP. Any one makes the auction contextual. A signal we cannot read counts
 * as the restrictive answer: consent must be shown, not assumed.
 */
export function decideConsent(
  request: Pick<OpenRtbRequest, 'regs' | 'user'>,
  options: ConsentOptions = {},
): ConsentDecision {
  const restrictions: ConsentRestriction[] = [];
  const { regs } = request;
  if (regs.coppa) restrictions.push('coppa');
  if (regs.gdpr ?? options.gdprDefault ?? false) restrictions.push(...gdpr(request.user?.consent, options.vendorId));
  if (usPrivacyOptOut(regs.us_privacy)) restrictions.push('us_privacy_opt_out');
  if (regs.gpp !== undefined && regs.gpp !== '') {
    const gpp = gppOptOut(regs.gpp);
    if (gpp) restrictions.push(gpp);
  }
  return { personalized: restrictions.length === 0, restrictions };
}

function gdpr(consent: string | undefined, vendorId: number | undefined): ConsentRestriction[] {
  if (!consent) return ['gdpr_no_consent_string'];
  let model: ReturnType<typeof TCString.decode>;
  try {
    model = TCString.decode(consent);
  } catch {
    return ['gdpr_invalid_consent_string'];
  }
  if (model.version !== 2) return ['gdpr_invalid_consent_string'];
  const out: ConsentRestriction[] = [];
  if (!model.purposeConsents.has(PURPOSE_STORE)) out.push('gdpr_no_purpose_1');
  if (!model.purposeConsents.has(PURPOSE_PERSONALISED_ADS)) out.push('gdpr_no_purpose_4');
  if (vendorId !== undefined && !model.vendorConsents.has(vendorId)) out.push('gdpr_no_vendor_consent');
  return out;
}

/** IAB US Privacy string "1NYN": version 1, then notice, opt-out of sale ('Y' = opted out), LSPA. */
function usPrivacyOptOut(usPrivacy: string | undefined): boolean {
  return usPrivacy !== undefined && /^1[YN-][YN-][YN-]$/i.test(usPrivacy) && usPrivacy[2]!.toUpperCase() === 'Y';
}

function gppOptOut(gpp: string): ConsentRestriction | undefined {
  let sections: Record<string, Record<string, unknown>>;
  try {
    sections = new GppModel(gpp).toObject() as Record<string, Record<string, unknown>>;
  } catch {
    return 'gpp_invalid_string';
  }
  for (const [name, fields] of Object.entries(sections)) {
    if (name === 'uspv1' && usPrivacyOptOut(`1${String(fields.Notice)}${String(fields.OptOutSale)}-`))
      return 'gpp_opt_out';
    if (name.startsWith('us') && US_OPT_OUTS.some((f) => fields[f] === OPTED_OUT)) return 'gpp_opt_out';
  }
  return undefined;
}
