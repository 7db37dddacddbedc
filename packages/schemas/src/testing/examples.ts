import type { RecordTypes } from '../generated/types.ts';
import { exampleCampaign, exampleUserSegments } from './example-catalog.ts';
import {
  exampleAlert,
  exampleAttributedEvent,
  exampleCampaignSpend,
  exampleConversion,
  exampleImpression,
  exampleRoasWindow,
} from './example-events.ts';
import { exampleRawBidRequest } from './example-openrtb.ts';
import { exampleAuctionWin, exampleBidRequest, exampleProfiledRequest } from './example-requests.ts';

/** One valid example of every record, by record name. */
export const exampleRecords: { readonly [N in keyof RecordTypes]: RecordTypes[N] } = {
  Alert: exampleAlert,
  AttributedEvent: exampleAttributedEvent,
  AuctionOutcome: exampleAuctionWin,
  BidRequest: exampleBidRequest,
  Campaign: exampleCampaign,
  CampaignSpend: exampleCampaignSpend,
  Impression: exampleImpression,
  ProfiledRequest: exampleProfiledRequest,
  RawBidRequest: exampleRawBidRequest,
  RoasWindow: exampleRoasWindow,
  UserEvent: exampleConversion,
  UserSegments: exampleUserSegments,
};
