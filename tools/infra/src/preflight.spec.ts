import { checkNode, formatProblems, parseJavaMajor, postgresFailure, withoutPassword } from './preflight';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17],
    ['openjdk version "21" 2023-09-19\nOpenJDK Runtime Environment (build 21+35-2513)', 21],
    ['java version "1.8.0_381"\nJava(TM) SE Runtime Environment (build 1.8.0_381-b09)', 8],
    ['openjdk version "11.0.22" 2024-01-16 LTS', 11],
    ['Picked up JAVA_TOOL_OPTIONS: -Xss4m\nopenjdk version "25-ea" 2025-09-16', 25],
  ])('reads the major version from %j', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });

  it('gives nothing for output without a version', () => {
    expect(parseJavaMajor('Error: could not find libjava.so')).toBeUndefined();
  });
});

describe('checkNode', () => {
  it('asks for Node 22 on Node 20 and names where to get it', () => {
    const problem = checkNode('20.19.2');
    expect(problem?.prerequisite).toBe('Node ≥ 22 required');
    expect(problem?.found).toBe('running on Node 20.19.2');
    expect(problem?.fix).toMatch(/nodejs\.org/);
  });

  it.each(['22.12.0', 'v22.23.5', '24.1.0'])('accepts %s', (version) => {
    expect(checkNode(version)).toBeUndefined();
  });
});

describe('postgresFailure', () => {
  const url = 'postgres://app:***@db:5432/postgres';

  it('says the server is not reachable on a refused connection', () => {
    expect(postgresFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), url).found).toBe(
      'not reachable at postgres://app:***@db:5432/postgres (ECONNREFUSED); it must run and accept TCP connections',
    );
  });

  it.each(['28P01', '28000'])('says authentication failed on SQLSTATE %s, with the server message', (code) => {
    const found = postgresFailure(Object.assign(new Error('role "nobody" does not exist'), { code }), url).found;
    expect(found).toBe('reachable at postgres://app:***@db:5432/postgres but authentication failed: role "nobody" does not exist');
  });

  it('passes any other error on with the URL', () => {
    expect(postgresFailure(new Error('self-signed certificate'), url).found).toBe('cannot use postgres://app:***@db:5432/postgres: self-signed certificate');
  });
});

describe('withoutPassword', () => {
  it('masks the password of a URL and leaves one without a password as it is', () => {
    expect(withoutPassword('postgres://app:s3cret@db:5432/postgres')).toBe('postgres://app:***@db:5432/postgres');
    expect(withoutPassword('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe('formatProblems', () => {
  it('lists every problem with its fix under one line naming the command', () => {
    const text = formatProblems(
      [
        { prerequisite: 'Java ≥ 17', found: '`java` not found', fix: 'install a JDK' },
        { prerequisite: 'Redis', found: 'not reachable', fix: 'start Redis' },
      ],
      'npm test',
    );
    expect(text).toBe(
      [
        'npm test cannot start: 2 prerequisites are missing (see README.md, "Prerequisites").',
        '  ✗ Java ≥ 17: `java` not found',
        '    fix: install a JDK',
        '  ✗ Redis: not reachable',
        '    fix: start Redis',
        '',
      ].join('\n'),
    );
  });
});
