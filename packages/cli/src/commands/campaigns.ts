import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO_CATALOG_URL } from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Command, print, UsageError } from '../command.ts';
import { kafkaBrokers } from '../kafka-env.ts';
import { checkCampaigns } from '../publish/campaign-checks.ts';
import { publishRecords } from '../publish/publish-records.ts';
import { parseRecordFile } from '../publish/record-file.ts';

export const campaignsCommand: Command = {
  name: 'campaigns',
  summary: 'publish the campaign catalog (validated) to adtrace.campaigns',
  help: `Usage: adtrace campaigns publish [FILE] [--dry-run] [--topic T]

Publishes Campaign records, keyed by campaign id, to the compacted ${Topics.campaigns}, which
the auction reads as a global table. FILE holds one Campaign (JSON, as in schemas/campaign.avsc)
per line, or a JSON array of them; default the demo catalog (packages/ads/data/demo-catalog.ndjson).

Every campaign is checked first — by the Avro schema (types, enums, required fields) and by the
rules the auction relies on (unique campaign and ad ids, positive bids, 32-value embeddings,
caps, budget currency, flight dates) — and if one is bad nothing is published: the error names
its line, the campaign and the field. Publishing the same file again changes nothing.

  --dry-run   check only
  --topic T   publish to T instead (tests, staging)`,
  async run(argv) {
    const [action, ...args] = argv;
    if (action !== 'publish') throw new UsageError(action ? `unknown action ${action}` : 'missing action: publish');
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean', default: false }, topic: { type: 'string' } },
    });
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    const file = positionals[0] ?? DEMO_CATALOG_URL;
    const checked = checkCampaigns(parseRecordFile(readFileSync(file, 'utf8')));
    const ads = checked.reduce((n, c) => n + c.campaign.ads.length, 0);
    const advertisers = new Set(checked.map((c) => c.campaign.advertiserId)).size;
    const what = `${checked.length} campaigns, ${ads} ads, ${advertisers} advertisers`;
    if (values['dry-run']) {
      print(`${what}: valid (dry run, nothing published)`);
      return 0;
    }
    const topic = values.topic ?? Topics.campaigns;
    const kafka = new Kafka({ clientId: 'adtrace-campaigns', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    await publishRecords(
      kafka,
      topic,
      checked.map((c) => ({ key: c.campaign.id, value: c.value })),
    );
    print(`published ${what} to ${topic}`);
    return 0;
  },
};
