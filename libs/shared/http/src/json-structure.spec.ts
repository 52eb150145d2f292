import { checkJsonStructure, DEFAULT_JSON_STRUCTURE_LIMITS, JsonStructureLimits } from './json-structure';

const limits: JsonStructureLimits = { maxDepth: 4, maxArrayLength: 3, maxObjectKeys: 3, maxStringLength: 5 };
const check = (text: string, bounds = limits) => checkJsonStructure(text, bounds);
const refusal = (field: string, error: string) => ({ kind: 'structure', detail: { field, error } });

describe('checkJsonStructure', () => {
  it.each([
    '{}',
    '[]',
    ' \n\t{ "a" : [1, -2.5e3, true, false, null, "x\\"y", {"b": []}] } \r\n',
    '[0, -0, 0.1, 1E+3, 9007199254740991, -9007199254740991, 1e-6]',
    '{"a": "\\u00e9\\n\\/\\ud83d\\ude00"}',
    '{"a": 1, "a": 2}',
  ])('accepts %j, as JSON.parse does', (text) => {
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(check(text, DEFAULT_JSON_STRUCTURE_LIMITS)).toBeUndefined();
  });

  it.each([
    ['a scalar at the top, which strict body parsing refuses', '"text"'],
    ['a number at the top', '42'],
    ['an empty text', ''],
    ['an unclosed array', '[1, 2'],
    ['an unclosed object', '{"a": 1'],
    ['a trailing comma', '[1, 2,]'],
    ['a missing colon', '{"a" 1}'],
    ['a missing comma', '[1 2]'],
    ['an unquoted key', '{a: 1}'],
    ['single quotes', "{'a': 1}"],
    ['a leading zero', '[01]'],
    ['a bare minus', '[-]'],
    ['a fraction without digits', '[1.]'],
    ['NaN', '[NaN]'],
    ['a misspelt literal', '[tru]'],
    ['a raw control character in a string', '["a\u0001b"]'],
    ['a bad escape', '["\\x41"]'],
    ['a short unicode escape', '["\\u12"]'],
    ['text after the value', '{} {}'],
    ['a mismatched bracket', '[1}'],
    ['an unterminated string', '["abc'],
  ])('calls %s a syntax error, as JSON.parse would', (_name, text) => {
    expect(check(text, DEFAULT_JSON_STRUCTURE_LIMITS)).toEqual({ kind: 'syntax' });
  });

  it('refuses nesting deeper than maxDepth, naming where it starts being too deep', () => {
    expect(check('[[[[1]]]]')).toBeUndefined();
    expect(check('[[[[[1]]]]]')).toEqual(refusal('[0][0][0][0]', 'Must be nested at most 4 levels deep'));
    expect(check('{"a": {"b": {"c": {"d": {}}}}}')).toEqual(refusal('a.b.c.d', 'Must be nested at most 4 levels deep'));
  });

  it('refuses 5,000 nested arrays and objects without recursing', () => {
    expect(check('['.repeat(5000) + ']'.repeat(5000), DEFAULT_JSON_STRUCTURE_LIMITS)).toMatchObject({ kind: 'structure' });
    expect(check('{"a":'.repeat(5000) + '1' + '}'.repeat(5000), DEFAULT_JSON_STRUCTURE_LIMITS)).toMatchObject({ kind: 'structure' });
    // Past every limit, an unclosed deep text is still checked without a stack: the depth limit answers first.
    expect(check('['.repeat(1_000_000), { ...DEFAULT_JSON_STRUCTURE_LIMITS, maxDepth: 2_000_000 })).toEqual({ kind: 'syntax' });
  });

  it('refuses an array longer than maxArrayLength, wherever it is', () => {
    expect(check('[1, 2, 3]')).toBeUndefined();
    expect(check('[1, 2, 3, 4]')).toEqual(refusal('(body)', 'Must have at most 3 items'));
    expect(check('{"items": [{}, {}, {}, {}]}')).toEqual(refusal('items', 'Must have at most 3 items'));
  });

  it('refuses an object with more than maxObjectKeys fields, duplicates counted', () => {
    expect(check('{"a": 1, "b": 2, "c": 3}')).toBeUndefined();
    expect(check('{"x": {"a": 1, "b": 2, "a": 3, "d": 4}}')).toEqual(refusal('x', 'Must have at most 3 fields'));
  });

  it('refuses strings and keys longer than maxStringLength, counting an escape as the character it stands for', () => {
    expect(check('["abcde", "\\u0041\\n\\"\\\\\\/"]')).toBeUndefined();
    expect(check('{"a": [1, "abcdef"]}')).toEqual(refusal('a[1]', 'Must be at most 5 characters'));
    expect(check('{"abcdef": 1}')).toEqual(refusal('(body)', 'Must be at most 5 characters'));
    expect(check('["\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041"]')).toEqual(refusal('[0]', 'Must be at most 5 characters'));
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key as an unknown field, also when it is spelt with escapes', (key) => {
    expect(check(`{"items": [{"${key}": {}}]}`, DEFAULT_JSON_STRUCTURE_LIMITS)).toEqual(refusal(`items[0].${key}`, `property ${key} should not exist`));
    const escaped = [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    expect(check(`{"${escaped}": 1}`, DEFAULT_JSON_STRUCTURE_LIMITS)).toEqual(refusal(key, `property ${key} should not exist`));
  });

  it('accepts prototype names as values: only keys reach the object model', () => {
    expect(check('{"a": "__proto__"}', DEFAULT_JSON_STRUCTURE_LIMITS)).toBeUndefined();
  });

  it.each([
    ['beyond the safe integers', '9007199254740992'],
    ['below the safe integers', '-9007199254740992'],
    ['in exponent form', '1e16'],
    ['infinite once parsed', '1e400'],
    ['negative infinite once parsed', '-1e400'],
  ])('refuses a number %s', (_name, number) => {
    expect(check(`{"q": ${number}}`)).toEqual(refusal('q', 'Must be a number between -9007199254740991 and 9007199254740991'));
  });

  it.each(['5e-7', '-0.0000009', '1.5e-300'])('refuses %s, a number JavaScript would print with an exponent', (number) => {
    expect(check(`{"p": ${number}}`)).toEqual(refusal('p', 'Must be 0 or at least 0.000001 in magnitude'));
  });

  it.each(['0.000001', '-0.000001', '0e0', '-0.0', '0.01', '1e-400'])('accepts %s, which parses to a number printed without an exponent', (number) => {
    expect(check(`{"p": ${number}}`)).toBeUndefined();
  });

  it.each([
    ['a lone high surrogate', '"\\ud83d"'],
    ['a high surrogate followed by a letter', '"\\ud83dx"'],
    ['two high surrogates', '"\\ud83d\\ud83d"'],
    ['a lone low surrogate', '"\\ude00"'],
  ])('refuses %s, which no UTF-8 text can carry', (_name, string) => {
    expect(check(`{"s": ${string}}`)).toEqual(refusal('s', 'Must be valid Unicode (an escape encodes half of a surrogate pair)'));
  });
});
