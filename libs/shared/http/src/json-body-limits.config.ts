import { IsInt, Max, Min } from 'class-validator';
import { validateConfig } from '@order-saga/shared/config';
import { DEFAULT_JSON_STRUCTURE_LIMITS, JsonStructureLimits } from './json-structure';

/**
 * The structural limits of JSON request bodies (json-structure.ts), the same variables in every service
 * and the gateway. The defaults fit every body of the API many times over; raise one only for a body
 * that needs it.
 */
export class JsonBodyLimitsConfig {
  /** Objects and arrays nested in one another, the body itself included. */
  @IsInt()
  @Min(2)
  @Max(256)
  JSON_MAX_DEPTH: number = DEFAULT_JSON_STRUCTURE_LIMITS.maxDepth;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  JSON_MAX_ARRAY_LENGTH: number = DEFAULT_JSON_STRUCTURE_LIMITS.maxArrayLength;

  /** Fields of one object. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  JSON_MAX_OBJECT_KEYS: number = DEFAULT_JSON_STRUCTURE_LIMITS.maxObjectKeys;

  /** Characters (UTF-16 code units) of one string or field name. */
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  JSON_MAX_STRING_LENGTH: number = DEFAULT_JSON_STRUCTURE_LIMITS.maxStringLength;
}

/** Read and validated at boot: a bad value stops the process with a message naming the variable. */
export function jsonStructureLimitsFromEnv(env: Record<string, unknown> = process.env): JsonStructureLimits {
  const config = validateConfig(JsonBodyLimitsConfig, env);
  return {
    maxDepth: config.JSON_MAX_DEPTH,
    maxArrayLength: config.JSON_MAX_ARRAY_LENGTH,
    maxObjectKeys: config.JSON_MAX_OBJECT_KEYS,
    maxStringLength: config.JSON_MAX_STRING_LENGTH,
  };
}
