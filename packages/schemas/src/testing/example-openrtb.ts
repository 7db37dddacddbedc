import type { RawBidRequest } from '../generated/types.ts';

/**
 * An OpenRTB 2.6 bid request as an exchange sends it, with the extensions and raw identifiers
 * real traffic carries (ingest turns it into exampleBidRequest-like records).
 */
export const exampleOpenRtbRequest = {
  id: 'b7a1c0de-5f3e-4a9b-8c21-0e6f9d2a7b44',
  imp: [
    {
      id: '1',
      banner: {
        format: [
          { w: 300, h: 250 },
          { w: 320, h: 50 },
        ],
        pos: 1,
        ext: { vendor: { sticky: true } },
      },
      bidfloor: 1.25,
      bidfloorcur: 'USD',
      tagid: 'homepage-mrec-1',
      secure: 1,
      ext: { prebid: { bidder: { appnexus: { placementId: 13144370 } } } },
    },
    {
      id: '2',
      video: { mimes: ['video/mp4'], minduration: 5, maxduration: 30, w: 640, h: 360, protocols: [2, 3], plcmt: 1 },
      bidfloor: 4,
    },
  ],
  site: {
    id: 'site-10423',
    domain: 'news.example.com',
    page: 'https://news.example.com/sport/football/2025/06/02/cup-final-report',
    ref: 'https://www.search.example/',
    cat: ['IAB17'],
    publisher: { id: 'pub-8841', name: 'Example News' },
  },
  device: {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    ip: '203.0.113.77',
    geo: { lat: 51.5072, lon: -0.1276, country: 'GBR', region: 'GB-LND', city: 'London', zip: 'EC1A 1BB', type: 2 },
    os: 'iOS',
    devicetype: 4,
    ifa: '6d92078a-8246-4ba4-ae5b-76104861e7dc',
  },
  user: {
    id: 'exchange-user-8f2a',
    buyeruid: 'dsp-uid-77',
    yob: 1990,
    ext: { consent: 'CQK5hAAQK5hAAAHABBENBtFsAP_gAEPgAAiQ' },
  },
  regs: { coppa: 0, ext: { gdpr: 1 } },
  at: 2,
  tmax: 120,
  cur: ['USD'],
  bcat: ['IAB25', 'IAB26'],
  badv: ['competitor.example'],
  source: { ext: { schain: { ver: '1.0', complete: 1, nodes: [{ asi: 'exchange.example', sid: '1', hp: 1 }] } } },
  ext: { prebid: { debug: false } },
};

/** The same request as an upstream producer writes it in Avro (RawBidRequest) to the raw topic. */
export const exampleRawBidRequest: RawBidRequest = {
  id: exampleOpenRtbRequest.id,
  imp: [
    {
      id: '1',
      banner: {
        format: [
          { w: 300, h: 250 },
          { w: 320, h: 50 },
        ],
        w: null,
        h: null,
        pos: 1,
      },
      video: null,
      audio: null,
      native: null,
      bidfloor: 1.25,
      bidfloorcur: 'USD',
      tagid: 'homepage-mrec-1',
    },
    {
      id: '2',
      banner: null,
      video: { mimes: ['video/mp4'], minduration: 5, maxduration: 30, w: 640, h: 360, protocols: [2, 3], plcmt: 1 },
      audio: null,
      native: null,
      bidfloor: 4,
      bidfloorcur: null,
      tagid: null,
    },
  ],
  site: {
    id: 'site-10423',
    domain: 'news.example.com',
    page: exampleOpenRtbRequest.site.page,
    ref: exampleOpenRtbRequest.site.ref,
    cat: ['IAB17'],
    publisher: { id: 'pub-8841' },
  },
  app: null,
  dooh: null,
  device: {
    ua: exampleOpenRtbRequest.device.ua,
    ip: '203.0.113.77',
    ipv6: null,
    geo: { lat: 51.5072, lon: -0.1276, country: 'GBR', region: 'GB-LND', city: 'London', zip: 'EC1A 1BB', metro: null },
    os: 'iOS',
    devicetype: 4,
    ifa: exampleOpenRtbRequest.device.ifa,
  },
  user: {
    id: 'exchange-user-8f2a',
    buyeruid: 'dsp-uid-77',
    yob: 1990,
    gender: null,
    consent: exampleOpenRtbRequest.user.ext.consent,
  },
  regs: { coppa: 0, gdpr: 1, us_privacy: null, gpp: null, gpp_sid: [] },
  at: 2,
  tmax: 120,
  test: null,
  cur: ['USD'],
  bcat: ['IAB25', 'IAB26'],
  badv: ['competitor.example'],
};
