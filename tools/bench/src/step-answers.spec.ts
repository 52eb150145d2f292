import type { Completion } from './open-loop-driver';
import { isShedAnswer, PostAnswer, tallyAnswers } from './step-answers';

/** The bodies the gateway writes (apps/gateway/src/upstream/upstream-service.proxy.ts through the spec's error format). */
const SHED_BODY = JSON.stringify({
  error_code: 'SERVICE_UNAVAILABLE',
  message: 'The order service is at capacity',
  request_id: 'r1',
  timestamp: '2026-01-01T00:00:00.000Z',
});
const UNREACHABLE_BODY = JSON.stringify({
  error_code: 'SERVICE_UNAVAILABLE',
  message: 'The order service is temporarily unavailable',
  request_id: 'r2',
  timestamp: '2026-01-01T00:00:00.000Z',
});

function answer(index: number, status: string, latencyMs: number, shed = false): Completion<PostAnswer> {
  return { index, latencyMs, sendLagMs: 0, outcome: { status, shed } };
}

describe('step answers', () => {
  it("tells a 503 shed by the gateway's in-flight limit from a 503 for an unreachable or timed-out order-service", () => {
    expect(isShedAnswer(503, SHED_BODY)).toBe(true);
    expect(isShedAnswer(503, UNREACHABLE_BODY)).toBe(false);
  });

  it('does not take a non-503 or a body that is not the error format for a shed answer', () => {
    expect(isShedAnswer(500, SHED_BODY)).toBe(false);
    expect(isShedAnswer(503, '<html>at capacity</html>')).toBe(false);
    expect(isShedAnswer(503, '')).toBe(false);
    expect(isShedAnswer(503, JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'The order service is at capacity' }))).toBe(false);
  });

  it("leaves shed answers out of the admitted latencies but keeps them in every answer's latencies and among the errors", () => {
    const completions = [
      answer(0, '201', 400),
      answer(1, '201', 500),
      answer(2, '201', 600),
      answer(3, '503', 1, true),
      answer(4, '503', 1, true),
      answer(5, '503', 2, true),
      answer(6, '503', 2, true),
    ];

    const tally = tallyAnswers(completions, () => '201');

    expect(tally.shed).toBe(4);
    expect(tally.unexpected).toBe(4);
    expect(tally.statuses).toEqual({ '201': 3, '503': 4 });
    expect(tally.latencyMs).toMatchObject({ count: 7, p50: 2, max: 600 });
    expect(tally.admittedLatencyMs).toMatchObject({ count: 3, p50: 500, p99: 600, max: 600 });
  });

  it('counts a 503 for an unreachable order-service as admitted: the gateway called the service and waited', () => {
    const tally = tallyAnswers([answer(0, '201', 300), answer(1, '503', 15_000)], () => '201');

    expect(tally.shed).toBe(0);
    expect(tally.unexpected).toBe(1);
    expect(tally.admittedLatencyMs).toMatchObject({ count: 2, max: 15_000 });
  });

  it('judges each answer against the status its own order must get', () => {
    const tally = tallyAnswers([answer(0, '201', 10), answer(1, '402', 10), answer(2, '201', 10)], (index) => ['201', '402', '409'][index]);

    expect(tally.unexpected).toBe(1);
  });

  it('has no admitted percentiles for a step whose every order was shed', () => {
    const tally = tallyAnswers([answer(0, '503', 1, true), answer(1, '503', 1, true)], () => '201');

    expect(tally.admittedLatencyMs.count).toBe(0);
    expect(tally.admittedLatencyMs.p50).toBeNaN();
    expect(tally.latencyMs.count).toBe(2);
  });
});
