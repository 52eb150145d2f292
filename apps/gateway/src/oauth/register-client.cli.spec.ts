import { parseRegisterClientArgs, UsageError } from './register-client.cli';

describe('parseRegisterClientArgs', () => {
  it('reads client id, secret and space-separated scopes', () => {
    const options = parseRegisterClientArgs(['--client-id', 'shop-eu', '--secret', 'a-secret-of-24-characters', '--scopes', 'read write']);

    expect(options).toEqual({ clientId: 'shop-eu', secret: 'a-secret-of-24-characters', scopes: ['read', 'write'], tier: 'standard' });
  });

  it('leaves the secret out when none is given, so one is generated', () => {
    expect(parseRegisterClientArgs(['--client-id', 'shop', '--scopes', 'read'])).toEqual({ clientId: 'shop', scopes: ['read'], tier: 'standard' });
  });

  it('registers a sandbox client when asked for the sandbox tier', () => {
    expect(parseRegisterClientArgs(['--client-id', 'shop', '--scopes', 'read', '--tier', 'sandbox']).tier).toBe('sandbox');
  });

  it.each([
    [['--scopes', 'read'], '--client-id is required'],
    [['--client-id', 'shop eu', '--scopes', 'read'], '--client-id is required'],
    [['--client-id', 'shop'], '--scopes is required'],
    [['--client-id', 'shop', '--scopes', 'read wrtie'], 'unknown scope(s): wrtie'],
    [['--client-id', 'shop', '--scopes', 'read', '--secret', 'short'], 'at least 24 characters'],
    [['--client-id', 'shop', '--scopes', 'read', '--admin'], "Unknown option '--admin'"],
    [['--client-id', 'shop', '--scopes', 'read', '--tier', 'gold'], '--tier must be one of: standard sandbox'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseRegisterClientArgs(argv)).toThrow(UsageError);
    expect(() => parseRegisterClientArgs(argv)).toThrow(message);
  });
});
