import { OperatorApi, OperatorApiError } from './operator-api';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  credentials: RequestCredentials | undefined;
  body: unknown;
}

/**
 * The API client against a scripted gateway (the real one is behind apps/console-e2e): what it sends, where it
 * keeps the CSRF token, how it takes a lost token and an ended session.
 */
function scripted(answers: Array<(sent: Sent) => Response>) {
  const sent: Sent[] = [];
  const fetchImpl = async (url: string, init: RequestInit = {}) => {
    const request: Sent = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      credentials: init.credentials,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    };
    sent.push(request);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${request.method} ${url}`);
    return answer(request);
  };
  return { sent, api: new OperatorApi(fetchImpl, () => '00000000-0000-4000-8000-000000000001') };
}
const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const session = (csrf: string) => ({
  operator: { username: 'ops', display_name: 'Ops', role: 'operator' },
  csrf_token: csrf,
  created_at: '2026-11-21T10:00:00.000Z',
  expires_at: '2026-11-21T22:00:00.000Z',
  idle_timeout_seconds: 1800,
});
const error = (status: number, code: string) => json(status, { error_code: code, message: code, request_id: 'req-1', timestamp: '2026-11-21T10:00:00.000Z' });
const accepted = json(202, { action_id: '00000000-0000-4000-8000-000000000001', action: 'cancel', order_id: 'ORD-1' });

describe('OperatorApi', () => {
  it('signs in without a CSRF token, then sends the one the session gave on every change, with the cookie (same origin)', async () => {
    const { api, sent } = scripted([json(201, session('csrf-1')), accepted]);

    await api.signIn('ops', 'secret-password');
    await api.actOnSaga('ORD-1', 'cancel', api.newActionId(), 'stuck at the provider');

    expect(sent[0]).toMatchObject({
      url: '/api/v1/operator/session',
      method: 'POST',
      credentials: 'same-origin',
      body: { username: 'ops', password: 'secret-password' },
    });
    expect(sent[0].headers['x-csrf-token']).toBeUndefined();
    expect(sent[1]).toMatchObject({
      url: '/api/v1/operator/sagas/ORD-1/cancel',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': 'csrf-1', 'content-type': 'application/json' },
      body: { action_id: '00000000-0000-4000-8000-000000000001', reason: 'stuck at the provider' },
    });
  });

  it('sends no CSRF token on reads', async () => {
    const { api, sent } = scripted([json(201, session('csrf-1')), json(200, { data: [], pagination: {} })]);

    await api.signIn('ops', 'secret-password');
    await api.listSagas({ state: 'stuck', older_than: '', client_id: undefined });

    expect(sent[1].url).toBe('/api/v1/operator/sagas?state=stuck');
    expect(sent[1].headers['x-csrf-token']).toBeUndefined();
  });

  it('reads the overview from the gateway’s figures routes and each service’s dead-letter depth', async () => {
    const { api, sent } = scripted([json(200, {}), json(200, {}), json(200, { parked: 0, consumers: [] })]);

    await api.sagaFigures(15);
    await api.webhookFigures(15);
    await api.deadLetterDepth('payment-service');

    expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/v1/operator/sagas/figures?minutes=15',
      'GET /api/v1/operator/webhook-deliveries/figures?minutes=15',
      'GET /api/v1/operator/dead-letters/payment-service/depth',
    ]);
  });

  it('after a reload (no token in memory) a refused change reads the session’s token and repeats the same action once', async () => {
    const { api, sent } = scripted([error(403, 'CSRF_TOKEN_INVALID'), json(200, session('csrf-2')), accepted]);

    await api.actOnSaga('ORD-1', 'cancel', 'action-1', 'reason');

    expect(sent.map((request) => `${request.method} ${request.url} ${request.headers['x-csrf-token'] ?? '-'}`)).toEqual([
      'POST /api/v1/operator/sagas/ORD-1/cancel -',
      'GET /api/v1/operator/session -',
      'POST /api/v1/operator/sagas/ORD-1/cancel csrf-2',
    ]);
    expect(sent[0].body).toEqual(sent[2].body);
  });

  it('an ended session forgets the token and tells the console, which shows the sign-in', async () => {
    const { api, sent } = scripted([
      json(201, session('csrf-1')),
      error(401, 'OPERATOR_SESSION_REQUIRED'),
      error(403, 'CSRF_TOKEN_INVALID'),
      error(401, 'OPERATOR_SESSION_REQUIRED'),
    ]);
    const ended = jest.fn();
    api.onSessionEnded = ended;

    await api.signIn('ops', 'secret-password');
    await expect(api.saga('ORD-1')).rejects.toMatchObject({ status: 401, code: 'OPERATOR_SESSION_REQUIRED', requestId: 'req-1' });
    await expect(api.actOnSaga('ORD-1', 'retry', 'action-2', 'reason')).rejects.toBeInstanceOf(OperatorApiError);

    expect(ended).toHaveBeenCalledTimes(1);
    expect(sent[2].headers['x-csrf-token']).toBeUndefined();
  });

  it('currentSession is null without a session, and does not report it as an ended one', async () => {
    const { api } = scripted([error(401, 'OPERATOR_SESSION_REQUIRED')]);
    const ended = jest.fn();
    api.onSessionEnded = ended;

    expect(await api.currentSession()).toBeNull();
    expect(ended).not.toHaveBeenCalled();
  });
});
