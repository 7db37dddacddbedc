import { storageCostSuite } from './storage-cost.ts';
import { duckdbBackend } from './support.ts';

storageCostSuite(duckdbBackend);
