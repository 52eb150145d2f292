import { hrefOf, routeOf, sagaHref } from './routes';

describe('the console’s routes', () => {
  it.each([
    ['/console/', { page: 'overview' }],
    ['/console', { page: 'overview' }],
    ['/console/sagas', { page: 'sagas' }],
    ['/console/sagas/ORD-12345678', { page: 'saga', orderId: 'ORD-12345678' }],
    ['/console/attention', { page: 'attention' }],
    ['/console/audit/', { page: 'audit' }],
    ['/console/sign-in', { page: 'sign-in' }],
    ['/console/dead-letters', { page: 'dead-letters' }],
    ['/console/webhooks/', { page: 'webhooks' }],
    ['/console/dead-letter', { page: 'not-found' }],
  ])('%s is %j', (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });

  it('builds hrefs below /console with the non-empty query values', () => {
    expect(hrefOf('/')).toBe('/console/');
    expect(hrefOf('/sagas', { state: 'stuck', step: '', client_id: undefined, older_than: '60' })).toBe('/console/sagas?state=stuck&older_than=60');
    expect(sagaHref('ORD-1 2')).toBe('/console/sagas/ORD-1%202');
    expect(routeOf(sagaHref('ORD-1 2'))).toEqual({ page: 'saga', orderId: 'ORD-1 2' });
  });
});
