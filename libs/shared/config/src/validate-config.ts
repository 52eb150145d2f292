import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';

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

/** Where settings are read from: Nest's ConfigService, or anything with its `get`. */
export interface ConfigSource {
  get(name: string): unknown;
}

/** The settings `cls` declares, read one by one from `source` (unset or empty: the default) and validated. */
export function readConfig<T extends object>(cls: ConfigClass<T>, source: ConfigSource): T {
  const values = Object.fromEntries(
    settingsOf(cls)
      .map((name) => [name, source.get(name)] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  return validateConfig(cls, values);
}

/** The variable names a config class declares: every validated field, inherited ones included. */
export function settingsOf(cls: ConfigClass<object>): string[] {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .map((metadata) => metadata.propertyName);
  return [...new Set([...validated, ...Object.keys(new cls())])];
}
