import { NetworkPolicy, parseCidrList } from './network-policy';

const production = new NetworkPolicy({ allowPrivateNetworks: false, allowedCidrs: [], requireHttps: true });
const staging = new NetworkPolicy({ allowPrivateNetworks: false, allowedCidrs: [], requireHttps: false });
const localDevelopment = new NetworkPolicy({ allowPrivateNetworks: true, allowedCidrs: [], requireHttps: false });

describe('NetworkPolicy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', '"this" network'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['fd00::1', 'unique local'],
    ['fc12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['64:ff9b::7f00:1', 'NAT64'],
  ])('refuses %s (%s) outside local development', (address, label) => {
    expect(staging.refusalOfAddress(address)).toContain(address);
    expect(staging.refusalOfAddress(address)).toMatch(new RegExp(label.split(' ')[0], 'i'));
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(production.refusalOfAddress(address)).toBeNull();
    },
  );

  it('lets local development reach private addresses', () => {
    expect(localDevelopment.refusalOfAddress('127.0.0.1')).toBeNull();
    expect(localDevelopment.refusalOfAddress('::1')).toBeNull();
  });

  it('lets an allow-listed private range through and nothing else', () => {
    const policy = new NetworkPolicy({ allowPrivateNetworks: false, allowedCidrs: ['127.0.0.1', '10.20.0.0/16'], requireHttps: false });

    expect(policy.refusalOfAddress('127.0.0.1')).toBeNull();
    expect(policy.refusalOfAddress('10.20.3.4')).toBeNull();
    expect(policy.refusalOfAddress('127.0.0.2')).toMatch(/loopback/);
    expect(policy.refusalOfAddress('10.21.0.1')).toMatch(/private/);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /loopback/],
    ['http://0x7f.1/hook', /loopback/],
    ['http://2130706433/hook', /loopback/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['ftp://example.com/hook', /http or https/],
    ['https://user:pw@example.com/hook', /credentials/],
    ['not a url', /valid URL/],
  ])('refuses the URL %s', (url, reason) => {
    expect(staging.refusalOfUrl(url)).toMatch(reason);
  });

  it('requires https in production only', () => {
    expect(production.refusalOfUrl('http://example.com/hook')).toMatch(/https/);
    expect(production.refusalOfUrl('https://example.com/hook')).toBeNull();
    expect(staging.refusalOfUrl('http://example.com/hook')).toBeNull();
  });

  it('leaves host names to the connect-time check', () => {
    expect(staging.refusalOfUrl('http://localhost:3005/webhooks')).toBeNull();
  });
});

describe('parseCidrList', () => {
  it('reads addresses and CIDRs, ignoring blanks', () => {
    expect(parseCidrList(' 127.0.0.1, 10.0.0.0/8,,::1 ')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
  });

  it.each(['localhost', '10.0.0.0/33', '10.0.0.0/x'])('rejects %p', (text) => {
    expect(() => parseCidrList(text)).toThrow();
  });
});
