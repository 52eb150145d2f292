import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { BaseServiceConfig } from './base-service.config';
import { DatabaseConfig } from './database.config';
import { TypedConfigModule } from './typed-config.module';
import { readConfig, validateConfig } from './validate-config';

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

describe('validateConfig of the trace sampler', () => {
  const valid = { PORT: '3000', DATABASE_URL: 'postgres://h/db' };

  it('takes the standard OTEL_TRACES_SAMPLER names and a ratio from 0 to 1 for the ratio samplers', () => {
    const config = validateConfig(BaseServiceConfig, { ...valid, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });

    expect(config.OTEL_TRACES_SAMPLER_ARG).toBe(0.25);
  });

  it('stops on a sampler it does not know, naming the variable', () => {
    expect(() => validateConfig(BaseServiceConfig, { ...valid, OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(/OTEL_TRACES_SAMPLER: /);
  });

  it('stops on a ratio that is not a number from 0 to 1', () => {
    for (const ratio of ['1.5', '-0.1', 'half']) {
      expect(() => validateConfig(BaseServiceConfig, { ...valid, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio })).toThrow(
        /OTEL_TRACES_SAMPLER_ARG: /,
      );
    }
  });
});

describe('readConfig', () => {
  it("reads the settings a class declares from ConfigService's values, converted and with defaults", () => {
    const config = readConfig(DatabaseConfig, new ConfigService({ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: '4', PORT: 'not this class' }));

    expect(config).toEqual(Object.assign(new DatabaseConfig(), { DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: 4, DATABASE_PREPARED_STATEMENTS: 'on' }));
  });

  it('stops with a message naming a bad setting, which would otherwise be NaN or a typo taken as a value', () => {
    expect(() => readConfig(DatabaseConfig, new ConfigService({ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: 'ten' }))).toThrow(
      /^Invalid configuration:\n {2}DATABASE_POOL_SIZE:/,
    );
  });
});

describe('TypedConfigModule', () => {
  class ServiceConfig extends BaseServiceConfig {
    override PORT: number = 3999;
  }

  it("registers the service's one validated instance under every class it extends", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://h/db';
    const moduleRef = await Test.createTestingModule({ imports: [TypedConfigModule.forRoot(ServiceConfig)] })
      .compile()
      .finally(() => (saved === undefined ? delete process.env.DATABASE_URL : (process.env.DATABASE_URL = saved)));

    const config = moduleRef.get(ServiceConfig);
    expect(moduleRef.get(BaseServiceConfig)).toBe(config);
    expect(moduleRef.get(DatabaseConfig)).toBe(config);
  });
});
