// Keyset paging moved to the shared HTTP library, where the dead-letter and webhook operator lists use it too.
export { decodeCursor, encodeCursor, likePrefix, pageOf, positionSql, type Page, type PagePosition } from '@order-saga/shared/http';
