import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as generated from './generated/types.ts';
import * as index from './index.ts';

// Codegen can add types; the public surface must not silently miss them.
describe('package index', () => {
  it('re-exports every generated value', () => {
    const missing = Object.keys(generated).filter((name) => !(name in index));
    expect(missing).toEqual([]);
  });

  it('re-exports every generated type', () => {
    const types = readFileSync(new URL('./generated/types.ts', import.meta.url), 'utf8');
    const indexText = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
    const names = [...types.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !new RegExp(`\\btype ${name}\\b`).test(indexText))).toEqual([]);
  });
});
