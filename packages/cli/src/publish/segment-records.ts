// What `adtrace segments publish` sends: one UserSegments per user, keyed by the user key that
// ingest computes for that user. A record names its user by `userKey` (already keyed), or by
// the raw `userId` the load sends (a demo user): then the key is made here with ingest's keyer
// and secret, so the memberships meet the requests of that user in profiling.
import { EMBEDDING_DIM, type UserIds, type UserKey } from '@adtrace/ads';
import { type Codec, createCodec, isCodecError, RecordNames, type UserSegments } from '@adtrace/schemas';
import { type FileRecord, RecordFileError } from './record-file.ts';

export type UserKeyer = (ids: UserIds, eventId: string) => UserKey;

export interface CheckedSegments {
  readonly key: string;
  readonly value: Buffer;
}

let codec: Codec<UserSegments> | undefined;

export function checkSegments(records: readonly FileRecord[], keyer: UserKeyer): CheckedSegments[] {
  codec ??= createCodec(RecordNames.UserSegments);
  const problems: string[] = [];
  const out: CheckedSegments[] = [];
  const keyLines = new Map<string, number>();
  for (const { line, value } of records) {
    const v = (value ?? {}) as { userId?: unknown; userKey?: unknown; segments?: unknown };
    // A demo user line: { userId, segments: { segments, interests, … } } without a key.
    const body = typeof v.userId === 'string' && v.segments && !Array.isArray(v.segments) ? v.segments : value;
    let userKey: string | undefined;
    if (typeof v.userKey === 'string') userKey = v.userKey;
    else if (typeof v.userId === 'string' && v.userId !== '') userKey = keyer({ userId: v.userId }, '').key;
    if (userKey === undefined || userKey === '') {
      problems.push(`line ${line}: userKey or userId is required`);
      continue;
    }
    const record = { ...(body as object), userKey } as UserSegments;
    let bytes: Buffer;
    try {
      bytes = codec.encode(record);
    } catch (err) {
      if (!isCodecError(err)) throw err;
      const path = /: ([^:]+)$/.exec(err.message)?.[1] ?? err.message;
      problems.push(`line ${line}: ${path.replace(/\.(\d+)(?=\.|$)/g, '[$1]')} has the wrong type or is missing`);
      continue;
    }
    const issues: string[] = [];
    if (record.embedding.length !== 0 && record.embedding.length !== EMBEDDING_DIM)
      issues.push(`embedding must have ${EMBEDDING_DIM} values (or none), has ${record.embedding.length}`);
    if (record.segments.some((s) => s.trim() === '')) issues.push('segments must not hold an empty id');
    if (record.builderVersion < 1) issues.push('builderVersion must be at least 1');
    const previous = keyLines.get(userKey);
    if (previous !== undefined) issues.push(`the same user as line ${previous}`);
    keyLines.set(userKey, line);
    for (const issue of issues) problems.push(`line ${line}: ${issue}`);
    if (issues.length === 0) out.push({ key: userKey, value: bytes });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    throw new RecordFileError(`refused, nothing published:\n  ${shown.join('\n  ')}`);
  }
  return out;
}
