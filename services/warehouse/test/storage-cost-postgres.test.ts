import { storageCostSuite } from './storage-cost.ts';
import { postgresBackend } from './support.ts';

storageCostSuite(postgresBackend);
