import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalForm } from '../avro/canonical-form.ts';
import { checkCompatibility } from '../avro/compatibility.ts';
import { expandSchema } from '../avro/expand.ts';
import type { FieldJson, SchemaJson, SchemaObject } from '../avro/schema-json.ts';
import { loadHeadSchemas } from './git-schemas.ts';
import { loadSchemaSources, REPO_ROOT } from './load-sources.ts';
import { planGeneration } from './plan.ts';

// Checks over the committed .avsc files: generated code is current, and no schema change
// breaks readers of data already written.
const sources = loadSchemaSources();
const plan = planGeneration(sources);
const head = loadHeadSchemas(REPO_ROOT);

/** The content a file had in the commit that added it; undefined when it is not committed. */
function firstCommittedVersion(path: string): string | undefined {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git('log', '--diff-filter=A', '--format=%H', '--reverse', '--', path).split('\n')[0];
    return commit ? git('show', `${commit}:${path}`) : undefined;
  } catch {
    return undefined;
  }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(join(REPO_ROOT, path), 'utf8');
  } catch {
    return '';
  }
}

describe('generated code and history', () => {
  it.each([...plan.files.keys()])('%s is up to date (else run `pnpm --filter @adtrace/schemas codegen`)', (path) => {
    expect(readOrEmpty(path), `${path} is stale`).toBe(plan.files.get(path));
  });
});

describe('backward compatibility', () => {
  // Released versions other than the current one: the last history entry is the current
  // schema, and checking a schema against itself can never fail.
  const versions = [...plan.history].flatMap(([name, entries]) =>
    entries
      .filter((e) => canonicalForm(e.schema) !== canonicalForm(plan.records.get(name)!))
      .map((e) => [name, e.version, e.schema] as const),
  );

  it('has earlier versions to check', () => {
    expect(versions.map(([name, version]) => `${name}.v${version}`)).toEqual(
      expect.arrayContaining(['AuctionOutcome.v1', 'BidRequest.v1', 'Impression.v1', 'ProfiledRequest.v1']),
    );
  });

  it.each(versions)('current %s reads data written with v%i', (name, _, schema) => {
    expect(checkCompatibility(plan.records.get(name)!, schema)).toEqual([]);
  });

  // A released version is a fact about data already written: rewriting its file would let a
  // breaking change pass the check above. Each file must equal what its first commit added.
  const released = (head ? [...plan.history.values()].flat() : []).map((e) => [e.path] as const);
  it.runIf(released.length > 0).each(released)('%s is unchanged since it was first committed', (path) => {
    const added = firstCommittedVersion(path);
    if (added !== undefined) expect(readOrEmpty(path)).toBe(added);
  });

  const headRecords = head
    ? [...plan.records.keys()].filter((name) => head.has(name)).map((name) => [name] as const)
    : [];
  it.runIf(head !== undefined && headRecords.length > 0).each(headRecords)(
    'current %s reads data written with the version in git HEAD',
    (name) => {
      const committed = expandSchema(head!.get(name)!, [...head!.values()]);
      expect(checkCompatibility(plan.records.get(name)!, committed)).toEqual([]);
    },
  );

  // The checker must actually catch breaking edits of real schemas.
  const bidRequest = plan.records.get('BidRequest') as SchemaObject;
  const edit = (fields: (fs: FieldJson[]) => FieldJson[]): SchemaJson => ({
    ...bidRequest,
    fields: fields([...bidRequest.fields!]),
  });
  it.each([
    ['a new field without a default', edit((fs) => [...fs, { name: 'dealId', type: 'string' }]), 'BidRequest.dealId'],
    [
      'a type change',
      edit((fs) => fs.map((f) => (f.name === 'tmax' ? { ...f, type: 'string' } : f))),
      'BidRequest.tmax',
    ],
  ])('fails on %s', (_, edited, path) => {
    expect(new Set(checkCompatibility(edited, bidRequest).map((i) => i.path))).toEqual(new Set([path]));
  });
});

describe('without git', () => {
  it('finds no HEAD schemas outside a repository, so the checks fall back to schemas/history', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adtrace-no-git-'));
    try {
      expect(loadHeadSchemas(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
