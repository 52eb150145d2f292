import { validateConfig } from '@order-saga/shared/config';
import { externalIdpSettingsOf, GatewayConfig } from './gateway.config';

const REQUIRED = {
  PORT: '3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/gateway',
  JWT_SIGNING_KEYS_FILE: '/etc/order-saga/jwt/signing-keys.json',
  ORDER_SERVICE_URL: 'http://order-service:3001',
  INVENTORY_SERVICE_URL: 'http://inventory-service:3002',
  NOTIFICATION_SERVICE_URL: 'http://notification-service:3004',
  PAYMENT_SERVICE_URL: 'http://payment-service:3003',
};

const IDP = {
  EXTERNAL_IDP_JWKS_URL: 'https://keycloak.example.com/realms/shop/protocol/openid-connect/certs',
  EXTERNAL_IDP_ISSUER: 'https://keycloak.example.com/realms/shop',
  EXTERNAL_IDP_AUDIENCE: 'order-saga-api',
};

function idpWithout(setting: keyof typeof IDP): Record<string, string> {
  return Object.fromEntries(Object.entries(IDP).filter(([name]) => name !== setting));
}

function bootError(env: Record<string, string>): string {
  try {
    validateConfig(GatewayConfig, { ...REQUIRED, ...env });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('GatewayConfig external identity provider settings', () => {
  it('configures no provider when EXTERNAL_IDP_JWKS_URL is unset', () => {
    expect(externalIdpSettingsOf(validateConfig(GatewayConfig, REQUIRED))).toBeUndefined();
  });

  it('reads a provider with its defaults', () => {
    const settings = externalIdpSettingsOf(validateConfig(GatewayConfig, { ...REQUIRED, ...IDP }));

    expect(settings).toMatchObject({
      jwksUrl: IDP.EXTERNAL_IDP_JWKS_URL,
      issuer: IDP.EXTERNAL_IDP_ISSUER,
      audience: 'order-saga-api',
      algorithms: ['RS256', 'ES256'],
      scopeClaim: 'scope',
      clientIdPrefix: 'idp:',
      jwksCooldownMs: 30_000,
      jwksCacheMaxAgeMs: 600_000,
    });
    expect([...(settings?.scopeMap ?? [])]).toEqual([
      ['read', 'read'],
      ['write', 'write'],
    ]);
  });

  it('refuses a JWKS URL without an issuer, naming the setting', () => {
    expect(bootError({ ...IDP, EXTERNAL_IDP_ISSUER: '' })).toContain('EXTERNAL_IDP_ISSUER is required when EXTERNAL_IDP_JWKS_URL is set');
    expect(bootError(idpWithout('EXTERNAL_IDP_ISSUER'))).toContain('EXTERNAL_IDP_ISSUER is required when EXTERNAL_IDP_JWKS_URL is set');
  });

  it('refuses a JWKS URL without an audience, naming the setting', () => {
    expect(bootError(idpWithout('EXTERNAL_IDP_AUDIENCE'))).toContain('EXTERNAL_IDP_AUDIENCE is required when EXTERNAL_IDP_JWKS_URL is set');
  });

  it('refuses an issuer or audience without a JWKS URL', () => {
    expect(bootError(idpWithout('EXTERNAL_IDP_JWKS_URL'))).toContain(
      'EXTERNAL_IDP_JWKS_URL is required when EXTERNAL_IDP_ISSUER or EXTERNAL_IDP_AUDIENCE is set',
    );
  });

  it("refuses the provider's issuer when it is the gateway's own", () => {
    expect(bootError({ ...IDP, EXTERNAL_IDP_ISSUER: 'order-saga-gateway' })).toContain('EXTERNAL_IDP_ISSUER must differ from JWT_ISSUER');
  });

  it('refuses a symmetric or unknown algorithm', () => {
    expect(bootError({ ...IDP, EXTERNAL_IDP_ALGORITHMS: 'RS256,HS256' })).toContain('EXTERNAL_IDP_ALGORITHMS must be');
    expect(bootError({ ...IDP, EXTERNAL_IDP_ALGORITHMS: 'none' })).toContain('EXTERNAL_IDP_ALGORITHMS must be');
  });

  it('refuses a scope map that names a scope the gateway does not have', () => {
    expect(bootError({ ...IDP, EXTERNAL_IDP_SCOPE_MAP: 'orders:read=read,orders:admin=admin' })).toContain('EXTERNAL_IDP_SCOPE_MAP must be');
    expect(bootError({ ...IDP, EXTERNAL_IDP_SCOPE_MAP: 'orders:read' })).toContain('EXTERNAL_IDP_SCOPE_MAP must be');
  });

  it('refuses a client id prefix that could collide with our own client ids', () => {
    expect(bootError({ ...IDP, EXTERNAL_IDP_CLIENT_ID_PREFIX: 'idp-' })).toContain('EXTERNAL_IDP_CLIENT_ID_PREFIX must be');
  });
});

describe('GatewayConfig operator session settings', () => {
  it('reads the idle timeout and the absolute lifetime, 30 minutes and 12 hours by default', () => {
    const config = validateConfig(GatewayConfig, REQUIRED);

    expect([config.OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS, config.OPERATOR_SESSION_MAX_LIFETIME_SECONDS]).toEqual([1800, 43_200]);
    expect(
      validateConfig(GatewayConfig, { ...REQUIRED, OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS: '900', OPERATOR_SESSION_MAX_LIFETIME_SECONDS: '900' }),
    ).toMatchObject({
      OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS: 900,
      OPERATOR_SESSION_MAX_LIFETIME_SECONDS: 900,
    });
  });

  it('refuses an absolute lifetime shorter than the idle timeout, naming both settings', () => {
    expect(bootError({ OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS: '3600', OPERATOR_SESSION_MAX_LIFETIME_SECONDS: '1800' })).toContain(
      'OPERATOR_SESSION_MAX_LIFETIME_SECONDS must be at least OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS',
    );
  });

  it('refuses an idle timeout under a minute', () => {
    expect(bootError({ OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS: '10' })).toContain('OPERATOR_SESSION_IDLE_TIMEOUT_SECONDS');
  });
});
