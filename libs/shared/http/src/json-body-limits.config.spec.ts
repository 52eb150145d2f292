import { jsonStructureLimitsFromEnv } from './json-body-limits.config';
import { DEFAULT_JSON_STRUCTURE_LIMITS } from './json-structure';

describe('jsonStructureLimitsFromEnv', () => {
  it('uses the documented defaults when no variable is set', () => {
    expect(jsonStructureLimitsFromEnv({})).toEqual(DEFAULT_JSON_STRUCTURE_LIMITS);
  });

  it('reads each limit from its variable', () => {
    expect(jsonStructureLimitsFromEnv({ JSON_MAX_DEPTH: '8', JSON_MAX_ARRAY_LENGTH: '50', JSON_MAX_OBJECT_KEYS: '20', JSON_MAX_STRING_LENGTH: '300' })).toEqual(
      {
        maxDepth: 8,
        maxArrayLength: 50,
        maxObjectKeys: 20,
        maxStringLength: 300,
      },
    );
  });

  it('stops at boot naming a variable that is not a positive integer in range', () => {
    expect(() => jsonStructureLimitsFromEnv({ JSON_MAX_DEPTH: 'deep', JSON_MAX_ARRAY_LENGTH: '0' })).toThrow(/JSON_MAX_DEPTH[\s\S]*JSON_MAX_ARRAY_LENGTH/);
  });
});
