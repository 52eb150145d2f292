import { QueryFailedError } from 'typeorm';
import { isInfrastructureFailure } from './failure-kind';

function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], Object.assign(new Error('driver'), { code }));
}

describe('isInfrastructureFailure', () => {
  it('treats lost connections, deadlocks and serialization failures as the infrastructure’s', () => {
    expect(isInfrastructureFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isInfrastructureFailure(queryFailed('40P01'))).toBe(true);
    expect(isInfrastructureFailure(queryFailed('40001'))).toBe(true);
    expect(isInfrastructureFailure(queryFailed('57P01'))).toBe(true);
    expect(isInfrastructureFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('treats constraint violations and plain bugs as possibly the message’s fault', () => {
    expect(isInfrastructureFailure(queryFailed('23505'))).toBe(false);
    expect(isInfrastructureFailure(queryFailed('22P02'))).toBe(false);
    expect(isInfrastructureFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });
});
