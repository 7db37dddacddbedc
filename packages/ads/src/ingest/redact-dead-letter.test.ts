import { createCodec, RecordNames, Topics } from '@adtrace/schemas';
import { exampleConversion, exampleOpenRtbRequest, exampleRawBidRequest } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { redactRawDeadLetter } from './redact-dead-letter.ts';

const RAW_VALUES = [
  exampleOpenRtbRequest.user.id,
  exampleOpenRtbRequest.user.buyeruid,
  exampleOpenRtbRequest.device.ifa,
  exampleOpenRtbRequest.device.ip,
  exampleOpenRtbRequest.user.ext.consent,
  '51.5072',
];

// A request an exchange sent that ingest refused, with ids in the places real traffic puts them.
const refused = {
  ...exampleOpenRtbRequest,
  imp: [],
  device: { ...exampleOpenRtbRequest.device, ipv6: '2001:db8:85a3:12ab:8a2e:370:7334:1', dpidsha1: 'ab12' },
  user: {
    ...exampleOpenRtbRequest.user,
    eids: [{ source: 'id5-sync.com', uids: [{ id: 'ID5-secret' }] }],
    data: [{ id: 'seg-provider', segment: [{ id: 'seg-1' }] }],
  },
  site: { ...exampleOpenRtbRequest.site, page: 'https://news.example.com/a?email=someone@example.com#x' },
  ext: { clientIp: '198.51.100.23' },
};

describe('redactRawDeadLetter', () => {
  it('removes ids and truncates IPs of an OpenRTB JSON request, keeping what explains it', () => {
    const out = redactRawDeadLetter(Buffer.from(JSON.stringify(refused)), Topics.bidRequestsRaw);
    expect(out.format).toBe('json');
    for (const value of [...RAW_VALUES, 'ID5-secret', 'ab12', '7334', '198.51.100.23', 'someone']) {
      expect(out.value).not.toContain(value);
    }
    const kept = JSON.parse(out.value!);
    expect(kept).toMatchObject({
      id: exampleOpenRtbRequest.id,
      imp: [],
      device: { ip: '203.0.113.0', ipv6: '2001:db8:85a3:1200::', geo: { lat: 51.51, country: 'GBR' } },
      site: { page: 'https://news.example.com/a', publisher: { id: 'pub-8841' } },
      ext: { clientIp: '198.51.100.0' },
    });
    expect(kept.user).toEqual({ ext: {} });
    expect(out.removed).toEqual(
      expect.arrayContaining([
        'device.ifa',
        'device.dpidsha1',
        'user.id',
        'user.buyeruid',
        'user.eids',
        'user.data',
        'user.yob',
        'user.ext.consent',
      ]),
    );
    expect(out.truncated).toEqual(expect.arrayContaining(['device.ip', 'device.ipv6', 'ext.clientIp', 'site.page']));
  });

  it('redacts an Avro RawBidRequest the same way', () => {
    const bytes = createCodec(RecordNames.RawBidRequest).encode(exampleRawBidRequest);
    const out = redactRawDeadLetter(bytes, Topics.bidRequestsRaw);
    expect(out.format).toBe('avro');
    for (const value of RAW_VALUES) expect(out.value).not.toContain(value);
    expect(JSON.parse(out.value!).device.ip).toBe('203.0.113.0');
  });

  it('removes the tracking token and user ids of a raw user event', () => {
    const json = { ...exampleConversion, userId: 'crm-77', ip: '2001:db8::42' };
    const out = redactRawDeadLetter(Buffer.from(JSON.stringify(json)), Topics.userEventsRaw);
    expect(JSON.parse(out.value!)).toEqual({
      eventId: exampleConversion.eventId,
      kind: 'CONVERSION',
      valueMicros: exampleConversion.valueMicros,
      currency: 'USD',
      eventTimeMs: exampleConversion.eventTimeMs,
      receivedAtMs: exampleConversion.receivedAtMs,
      ip: '2001:db8::',
    });
    const avro = redactRawDeadLetter(
      createCodec(RecordNames.UserEvent).encode(exampleConversion),
      Topics.userEventsRaw,
    );
    expect(avro.format).toBe('avro');
    expect(avro.removed).toEqual(['trackingToken']);
  });

  it('keeps nothing of a value it cannot read', () => {
    const broken = Buffer.from('{"id":"r1","user":{"id":"exchange-user-8f2a"');
    expect(redactRawDeadLetter(broken, Topics.bidRequestsRaw)).toEqual({
      format: 'undecodable',
      value: null,
      removed: [],
      truncated: [],
    });
    expect(redactRawDeadLetter(Buffer.from([0xc3, 0x01, 1, 2]), Topics.bidRequestsRaw).value).toBeNull();
    expect(redactRawDeadLetter(null, Topics.bidRequestsRaw).format).toBe('empty');
  });
});
