import { describe, expect, it } from 'vitest';
import { pointAttributes } from './point-attributes.ts';

describe('pointAttributes', () => {
  it('makes one frozen object per key and hands it out again', () => {
    let made = 0;
    const byReason = pointAttributes((reason: string) => {
      made++;
      return { reason };
    });
    const a = byReason('NO_BID');
    expect(a).toEqual({ reason: 'NO_BID' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(byReason('NO_BID')).toBe(a);
    expect(byReason('TIMEOUT')).toEqual({ reason: 'TIMEOUT' });
    expect(made).toBe(2);
  });

  it('past its limit still gives the right attributes, made afresh', () => {
    const byId = pointAttributes((id: string) => ({ id }), 2);
    byId('a');
    byId('b');
    const c = byId('c');
    expect(c).toEqual({ id: 'c' });
    expect(byId('c')).not.toBe(c);
    expect(byId('a')).toBe(byId('a'));
  });
});
