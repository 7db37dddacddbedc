import { type RecordNode, type SchemaNode, schemaGraph } from './schema-graph.ts';
import type { SchemaJson } from './schema-json.ts';

export interface CompatibilityIssue {
  /** Where, e.g. `BidRequest.imp[].bidfloorMicros`. */
  readonly path: string;
  readonly message: string;
}

/**
 * What keeps `reader` from reading data written with `writer`, following the schema
 * resolution rules of the Avro spec; empty when the reader is backward compatible with the
 * writer. Checked against every earlier version so that consumers can be upgraded first.
 */
export function checkCompatibility(reader: SchemaJson, writer: SchemaJson): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  const r = schemaGraph(reader);
  check(r, schemaGraph(writer), r.kind === 'record' ? shortName(r.name) : '(root)', issues, new Set());
  return issues;
}

const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

function check(r: SchemaNode, w: SchemaNode, path: string, issues: CompatibilityIssue[], seen: Set<string>): void {
  const add = (message: string): void => {
    issues.push({ path, message });
  };
  if (w.kind === 'union') {
    // Every branch the writer may have used must be readable.
    for (const branch of w.branches) {
      if (r.kind === 'union') {
        if (!r.branches.some((rb) => readable(rb, branch))) add(`writer branch ${label(branch)} has no reader branch`);
      } else {
        check(r, branch, path, issues, seen);
      }
    }
    return;
  }
  if (r.kind === 'union') {
    if (!r.branches.some((rb) => readable(rb, w))) add(`${label(w)} is in no branch of ${label(r)}`);
    return;
  }
  if (r.kind === 'primitive' && w.kind === 'primitive') {
    if (r.name !== w.name && !PROMOTIONS[w.name]?.includes(r.name)) add(`${w.name} cannot be read as ${r.name}`);
    return;
  }
  if (r.kind !== w.kind) {
    add(`${label(w)} cannot be read as ${label(r)}`);
    return;
  }
  if (r.kind === 'array' && w.kind === 'array') {
    check(r.items, w.items, `${path}[]`, issues, seen);
    return;
  }
  if (r.kind === 'map' && w.kind === 'map') {
    check(r.values, w.values, `${path}{}`, issues, seen);
    return;
  }
  if (r.kind === 'fixed' && w.kind === 'fixed') {
    if (r.name !== w.name || r.size !== w.size) add(`${label(w)} cannot be read as ${label(r)}`);
    return;
  }
  if (r.kind === 'enum' && w.kind === 'enum') {
    if (r.name !== w.name) {
      add(`enum ${w.name} cannot be read as ${r.name}`);
      return;
    }
    const missing = w.symbols.filter((s) => !r.symbols.includes(s));
    if (missing.length > 0 && r.default === undefined) {
      add(`enum symbols ${missing.join(', ')} removed and the reader enum has no default`);
    }
    return;
  }
  if (r.kind === 'record' && w.kind === 'record') checkRecord(r, w, path, issues, seen);
}

function checkRecord(
  r: RecordNode,
  w: RecordNode,
  path: string,
  issues: CompatibilityIssue[],
  seen: Set<string>,
): void {
  if (r.name !== w.name && !r.aliases.includes(w.name)) {
    issues.push({ path, message: `record ${w.name} cannot be read as ${r.name}` });
    return;
  }
  const key = `${r.name}<-${w.name}`;
  if (seen.has(key)) return; // recursive types: checked once
  seen.add(key);
  for (const field of r.fields) {
    const fieldPath = `${path}.${field.name}`;
    const source = w.fields.find((f) => f.name === field.name || field.aliases.includes(f.name));
    if (source) check(field.type, source.type, fieldPath, issues, seen);
    else if (!field.hasDefault) issues.push({ path: fieldPath, message: 'field added without a default' });
  }
}

function readable(r: SchemaNode, w: SchemaNode): boolean {
  const issues: CompatibilityIssue[] = [];
  check(r, w, '', issues, new Set());
  return issues.length === 0;
}

function label(node: SchemaNode): string {
  if (node.kind === 'primitive') return node.name;
  if (node.kind === 'array') return `array<${label(node.items)}>`;
  if (node.kind === 'map') return `map<${label(node.values)}>`;
  if (node.kind === 'union') return `[${node.branches.map(label).join(', ')}]`;
  return `${node.kind} ${node.name}`;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
