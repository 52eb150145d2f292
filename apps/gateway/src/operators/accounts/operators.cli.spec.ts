import { checkedPassword, generateOperatorPassword, parseOperatorsArgs, UsageError } from './operators.cli';

describe('parseOperatorsArgs', () => {
  it('reads a create with its display name, the username as display name when none is given', () => {
    expect(parseOperatorsArgs(['create', '--username', 'ops@example.com', '--display-name', 'Jane Doe'])).toEqual({
      command: 'create',
      username: 'ops@example.com',
      displayName: 'Jane Doe',
      passwordFromStdin: false,
      ifExists: 'fail',
    });
    expect(parseOperatorsArgs(['create', '--username', 'jane', '--password-stdin', '--if-exists=reset-password'])).toMatchObject({
      displayName: 'jane',
      passwordFromStdin: true,
      ifExists: 'reset-password',
    });
  });

  it('reads reset-password, disable, enable and list', () => {
    expect(parseOperatorsArgs(['reset-password', '--username', 'jane'])).toEqual({ command: 'reset-password', username: 'jane', passwordFromStdin: false });
    expect(parseOperatorsArgs(['disable', '--username', 'jane'])).toEqual({ command: 'disable', username: 'jane' });
    expect(parseOperatorsArgs(['enable', '--username', 'jane'])).toEqual({ command: 'enable', username: 'jane' });
    expect(parseOperatorsArgs(['list'])).toEqual({ command: 'list' });
  });

  it.each([
    [[], 'a command is required'],
    [['delete', '--username', 'jane'], 'a command is required'],
    [['create'], '--username is required'],
    [['create', '--username', 'Jane'], '--username is required'],
    [['create', '--username', 'j'], '--username is required'],
    [['create', '--username', 'jane doe'], '--username is required'],
    [['create', '--username', 'jane', '--display-name', ' '], '--display-name must be'],
    [['create', '--username', 'jane', '--if-exists', 'overwrite'], '--if-exists must be'],
    [['create', '--username', 'jane', '--password', 'secret'], "Unknown option '--password'"],
    [['disable', '--username', 'jane', '--display-name', 'x'], 'disable takes no --display-name'],
    [['list', 'extra'], 'unexpected argument(s): extra'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOperatorsArgs(argv)).toThrow(UsageError);
    expect(() => parseOperatorsArgs(argv)).toThrow(message);
  });
});

describe('operator passwords', () => {
  it('generates 24 URL-safe characters, a different one each time', () => {
    const [first, second] = [generateOperatorPassword(), generateOperatorPassword()];

    expect(first).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(second).not.toBe(first);
  });

  it('takes a password from standard input without its trailing newline, refusing a short one', () => {
    expect(checkedPassword('correct horse battery\n')).toBe('correct horse battery');
    expect(() => checkedPassword('short\n')).toThrow('at least 12 characters');
  });
});
