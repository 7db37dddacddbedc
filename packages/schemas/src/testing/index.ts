// Test fixtures for other packages' tests and for benchmarks: import from '@adtrace/schemas/testing'.
export { exampleCampaign, exampleUserSegments } from './example-catalog.ts';
export {
  exampleAlert,
  exampleAttributedEvent,
  exampleCampaignSpend,
  exampleConversion,
  exampleImpression,
  exampleRoasWindow,
} from './example-events.ts';
export { exampleOpenRtbRequest, exampleRawBidRequest } from './example-openrtb.ts';
export {
  exampleAuctionNoFill,
  exampleAuctionWin,
  exampleBidRequest,
  exampleProfiledRequest,
} from './example-requests.ts';
export { exampleRecords } from './examples.ts';
