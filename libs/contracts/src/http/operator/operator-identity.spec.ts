import { isOperatorId, OPERATOR_ID_MAX_LENGTH } from './operator-identity';

describe('isOperatorId: the operator the gateway names in x-operator-id', () => {
  it.each(['ops@example.com', 'op-1', 'Jane Doe', 'x'.repeat(OPERATOR_ID_MAX_LENGTH)])('accepts %j', (value) => {
    expect(isOperatorId(value)).toBe(true);
  });

  it.each([
    ['a missing header', undefined],
    ['an empty one', ''],
    ['a repeated header (an array)', ['a', 'b']],
    ['blanks around it', ' ops '],
    ['a control character', 'ops\u0007'],
    ['one character too many', 'x'.repeat(OPERATOR_ID_MAX_LENGTH + 1)],
  ])('refuses %s', (_case, value) => {
    expect(isOperatorId(value)).toBe(false);
  });
});
