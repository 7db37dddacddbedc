// Regenerates the committed demo data: data/demo-catalog.ndjson and data/demo-users.ndjson.
// Run: pnpm --filter @adtrace/ads demo-data   (a unit test fails when they are out of date)
import { writeFileSync } from 'node:fs';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, generateDemoCatalog, generateDemoUsers, toNdjson } from '../src/index.ts';

const catalog = generateDemoCatalog();
const users = generateDemoUsers();
writeFileSync(DEMO_CATALOG_URL, toNdjson(catalog));
writeFileSync(DEMO_USERS_URL, toNdjson(users));
const ads = catalog.reduce((n, c) => n + c.ads.length, 0);
console.log(
  `${catalog.length} campaigns, ${ads} ads → ${DEMO_CATALOG_URL.pathname}; ${users.length} users → ${DEMO_USERS_URL.pathname}`,
);
