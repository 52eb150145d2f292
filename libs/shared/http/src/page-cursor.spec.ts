import { DomainError } from './domain-error';
import { decodeCursor, encodeCursor, likePrefix, pageOf } from './page-cursor';

describe('page cursors', () => {
  it('round-trips a position with microseconds', () => {
    const position = { createdAt: '2026-01-15T10:30:00.123456Z', id: 'ORD-ABCDEFGH' };

    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('answers a cursor it did not issue with a validation error on the cursor field', () => {
    for (const cursor of ['not-a-cursor', Buffer.from('{"t":"yesterday","k":"x"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      let error: unknown;
      try {
        decodeCursor(cursor);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).details).toEqual([{ field: 'cursor', error: expect.any(String) }]);
    }
  });

  it('gives a next cursor at the last shown row only when an extra row was fetched', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `id-${n}`, at: `2026-01-0${n}T00:00:00.000000Z` }));
    const position = (row: { id: string; at: string }) => ({ createdAt: row.at, id: row.id });

    const full = pageOf(rows, 2, position, (row) => row.id);
    expect(full.data).toEqual(['id-1', 'id-2']);
    expect(full.pagination.has_more).toBe(true);
    expect(decodeCursor(full.pagination.next_cursor!)).toEqual({ createdAt: rows[1].at, id: 'id-2' });

    expect(pageOf(rows, 3, position, (row) => row.id).pagination).toEqual({ limit: 3, has_more: false, next_cursor: null });
  });

  it('makes LIKE wildcards in client text literal', () => {
    expect(likePrefix('ORD_1%')).toBe('ORD\\_1\\%%');
  });
});
