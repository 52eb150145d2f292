import type { StepResult } from './load-step';

/**
 * What the smoke run requires: every POST got the answer its kind must get, every order the step created
 * reached a terminal state, and order-service's database agrees with the answers. Never a time.
 */
export function smokeProblems(steps: Pick<StepResult, 'sent' | 'statuses' | 'unexpected' | 'shed' | 'orders'>[]): string[] {
  const problems: string[] = [];
  if (steps.length === 0) problems.push('no step ran');
  for (const step of steps) {
    const count = (status: string) => step.statuses[status] ?? 0;
    if (step.sent === 0) problems.push('no order was sent');
    if (step.unexpected > 0) problems.push(`${step.unexpected} of ${step.sent} POSTs got an unexpected answer: ${JSON.stringify(step.statuses)}`);
    // Named apart from the other 503s: it means the gateway's in-flight limit is below the smoke's load, not a broken saga.
    if (step.shed > 0)
      problems.push(
        `${step.shed} of ${step.sent} POSTs were shed by the gateway (503 "at capacity": its in-flight limit was reached; order-service never saw them)`,
      );
    if (step.orders.pending > 0) problems.push(`${step.orders.pending} orders never reached a terminal state`);
    if (step.orders.total !== step.sent) problems.push(`${step.sent} POSTs but ${step.orders.total} orders in order-service`);
    if (step.orders.confirmed !== count('201')) problems.push(`${count('201')} answered 201 but ${step.orders.confirmed} orders confirmed`);
    if (step.orders.cancelled !== count('402') + count('409'))
      problems.push(`${count('402') + count('409')} answered 402/409 but ${step.orders.cancelled} orders cancelled`);
  }
  return problems;
}
