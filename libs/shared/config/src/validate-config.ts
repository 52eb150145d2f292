import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export type ConfigClass<T extends object> = new () => T;

/**
 * Builds a typed config object from environment variables and validates it. Throws one error naming
 * every bad variable, so a misconfigured process stops at boot instead of failing on first use.
 */
export function validateConfig<T extends object>(cls: ConfigClass<T>, env: Record<string, unknown>): T {
  const config = plainToInstance(cls, env, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((error) => `  ${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
