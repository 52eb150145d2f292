import { externalClientIdOf, externalTokenIdOf, mappedScope, parseScopeMap } from './external-idp';

describe('parseScopeMap', () => {
  it('reads provider=gateway pairs, ignoring blanks around them', () => {
    expect([...(parseScopeMap(' orders:read=read , orders:write=write,') ?? [])]).toEqual([
      ['orders:read', 'read'],
      ['orders:write', 'write'],
    ]);
  });

  it('lets two provider scopes grant the same gateway scope', () => {
    expect(parseScopeMap('orders.view=read,orders.admin=read')?.size).toBe(2);
  });

  it.each([
    ['an unknown gateway scope', 'orders:read=admin'],
    ['a pair without =', 'orders:read'],
    ['a provider scope twice', 'a=read,a=write'],
    ['nothing', ' , '],
  ])('refuses %s', (_, value) => {
    expect(parseScopeMap(value)).toBeUndefined();
  });
});

describe('mappedScope', () => {
  const map = parseScopeMap('orders:read=read,orders:write=write,admin=write') as Map<string, 'read' | 'write'>;

  it('maps a space-delimited claim and drops scopes the map does not name', () => {
    expect(mappedScope('openid profile orders:read', map)).toBe('read');
  });

  it('maps a list claim (Auth0 permissions, Hydra scp) once per gateway scope', () => {
    expect(mappedScope(['orders:write', 'admin', 'orders:read'], map)).toBe('write read');
  });

  it('grants nothing for a claim that names nothing mapped', () => {
    expect(mappedScope('openid email', map)).toBe('');
  });

  it('refuses a claim of another shape', () => {
    expect(mappedScope({ read: true }, map)).toBeUndefined();
    expect(mappedScope(['orders:read', 7], map)).toBeUndefined();
  });
});

describe('externalClientIdOf', () => {
  it('prefers client_id, then azp, then sub', () => {
    expect(externalClientIdOf({ client_id: 'a', azp: 'b', sub: 'c' })).toBe('a');
    expect(externalClientIdOf({ azp: 'b', sub: 'c' })).toBe('b');
    expect(externalClientIdOf({ sub: 'shop@clients' })).toBe('shop@clients');
    expect(externalClientIdOf({ client_id: '' })).toBeUndefined();
  });
});

describe('externalTokenIdOf', () => {
  it('uses jti, else a digest that differs per token', () => {
    expect(externalTokenIdOf({ jti: 'j-1' }, 'a.b.c')).toBe('j-1');
    expect(externalTokenIdOf({}, 'a.b.c')).toMatch(/^[\w-]{22}$/);
    expect(externalTokenIdOf({}, 'a.b.c')).not.toBe(externalTokenIdOf({}, 'a.b.d'));
  });
});
