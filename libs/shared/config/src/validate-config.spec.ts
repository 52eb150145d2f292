import { BaseServiceConfig } from './base-service.config';
import { validateConfig } from './validate-config';

describe('validateConfig', () => {
  const valid = { PORT: '3000', DATABASE_URL: 'postgres://127.0.0.1:5432/orders' };

  it('converts environment strings to typed fields and keeps defaults', () => {
    const config = validateConfig(BaseServiceConfig, valid);

    expect(config.PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_POOL_SIZE).toBe(10);
  });

  it('stops with a message naming every bad variable', () => {
    expect(() => validateConfig(BaseServiceConfig, { PORT: 'eighty', DATABASE_URL: 'mysql://x/y' })).toThrow(
      /PORT[\s\S]*DATABASE_URL must be a postgres:\/\/ URL/,
    );
  });

  it('rejects a missing required variable', () => {
    expect(() => validateConfig(BaseServiceConfig, { PORT: '3000' })).toThrow(/DATABASE_URL/);
  });
});

describe('validateConfig with defaults', () => {
  it('converts an environment string for a field that has a default', () => {
    const config = validateConfig(BaseServiceConfig, { PORT: '3000', DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: '5' });

    expect(config.DATABASE_POOL_SIZE).toBe(5);
  });
});
