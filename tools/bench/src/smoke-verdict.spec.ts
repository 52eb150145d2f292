import { smokeProblems } from './smoke-verdict';

const passing = {
  sent: 40,
  statuses: { '201': 36, '402': 2, '409': 2 },
  unexpected: 0,
  shed: 0,
  orders: { total: 40, pending: 0, confirmed: 36, cancelled: 4, spanSeconds: 4 },
};

describe('smoke verdict', () => {
  it('passes when every saga completed with its expected answer and the database agrees', () => {
    expect(smokeProblems([passing])).toEqual([]);
  });

  it('fails on an answer the order kind must not get, such as a 202 or a 503', () => {
    const problems = smokeProblems([
      { ...passing, statuses: { '201': 35, '202': 1, '402': 2, '409': 2 }, unexpected: 1, orders: { ...passing.orders, confirmed: 35, pending: 1 } },
    ]);

    expect(problems).toContain('1 of 40 POSTs got an unexpected answer: {"201":35,"202":1,"402":2,"409":2}');
    expect(problems).toContain('1 orders never reached a terminal state');
  });

  it('names the orders the gateway shed, apart from the unexpected answers they are among', () => {
    const problems = smokeProblems([
      { ...passing, statuses: { '201': 33, '402': 2, '409': 2, '503': 3 }, unexpected: 3, shed: 3, orders: { ...passing.orders, total: 37, confirmed: 33 } },
    ]);

    expect(problems).toContain('3 of 40 POSTs got an unexpected answer: {"201":33,"402":2,"409":2,"503":3}');
    expect(problems).toContain('3 of 40 POSTs were shed by the gateway (503 "at capacity": its in-flight limit was reached; order-service never saw them)');
  });

  it('does not call a 503 for an unreachable order-service shed', () => {
    const problems = smokeProblems([
      { ...passing, statuses: { '201': 35, '402': 2, '409': 2, '503': 1 }, unexpected: 1, shed: 0, orders: { ...passing.orders, total: 39, confirmed: 35 } },
    ]);

    expect(problems.some((problem) => problem.includes('shed'))).toBe(false);
    expect(problems).toContain('1 of 40 POSTs got an unexpected answer: {"201":35,"402":2,"409":2,"503":1}');
  });

  it('fails when order-service holds a different number of orders than were answered', () => {
    expect(smokeProblems([{ ...passing, orders: { ...passing.orders, total: 39, cancelled: 3 } }])).toEqual([
      '40 POSTs but 39 orders in order-service',
      '4 answered 402/409 but 3 orders cancelled',
    ]);
  });

  it('fails when nothing was measured at all', () => {
    expect(smokeProblems([])).toEqual(['no step ran']);
    expect(smokeProblems([{ ...passing, sent: 0, statuses: {}, orders: { ...passing.orders, total: 0, confirmed: 0, cancelled: 0 } }])).toContain(
      'no order was sent',
    );
  });
});
