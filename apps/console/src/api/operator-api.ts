import type { ApiErrorResponseDto } from '@order-saga/contracts/http';
import type {
  DeadLetterActionResponseDto,
  DeadLetterDepthResponseDto,
  DeadLetterPageResponseDto,
  DeadLetterService,
  DeadLettersRedrivenResponseDto,
  OperatorAuditPageResponseDto,
  OperatorWebhookDeliveryPageResponseDto,
  OperatorWebhookDeliveryResponseDto,
  OperatorWebhookEndpointPageResponseDto,
  OperatorSagaDetailResponseDto,
  OperatorSagaPageResponseDto,
  OperatorSessionResponseDto,
  SagaActionResponseDto,
  SagaFiguresResponseDto,
  WebhookActionResponseDto,
  WebhookFiguresResponseDto,
} from '@order-saga/contracts/http/operator';

export const OPERATOR_API = '/api/v1/operator';

/** An answer of the operator API that is not a success, in the API's error format. */
export class OperatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly details: { field: string; error: string }[] = [],
  ) {
    super(message);
  }
}

export type SagaFilters = {
  state?: string;
  step?: string;
  older_than?: string;
  client_id?: string;
  customer_id?: string;
  limit?: string;
  cursor?: string;
};

export type AuditFilters = {
  operator?: string;
  action?: string;
  target?: string;
  limit?: string;
  cursor?: string;
};

export type DeadLetterFilters = {
  consumer?: string;
  topic?: string;
  status?: string;
  limit?: string;
  cursor?: string;
};

export type WebhookDeliveryFilters = {
  status?: string;
  client_id?: string;
  endpoint_id?: string;
  event_id?: string;
  event_type?: string;
  order_id?: string;
  since?: string;
  limit?: string;
  cursor?: string;
};

export type WebhookEndpointFilters = {
  client_id?: string;
  enabled?: string;
  limit?: string;
  cursor?: string;
};

/** resend-failed's scope: one endpoint or every endpoint of a client, from `since` on. */
export type ResendFailedScope = { since: string } & ({ endpoint_id: string } | { client_id: string });

export type SagaActionName = 'retry' | 'cancel';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The console's one way to the gateway's operator routes. The session is the HttpOnly cookie the browser sends
 * by itself (same origin); the CSRF token is held here, in memory only, and sent on every change. A reload
 * loses it, so a CSRF refusal reads the session again and repeats the change once: actions carry an action id,
 * so a repeat is the same action. An ended session ends here too (`onSessionEnded`): the console shows the
 * sign-in.
 */
export class OperatorApi {
  private csrfToken: string | null = null;
  onSessionEnded: () => void = () => undefined;

  constructor(
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
    private readonly newId: () => string = () => crypto.randomUUID(),
  ) {}

  async signIn(username: string, password: string): Promise<OperatorSessionResponseDto> {
    const session = await this.call<OperatorSessionResponseDto>('POST', '/session', { body: { username, password }, signIn: true });
    this.csrfToken = session.csrf_token;
    return session;
  }

  /** The signed-in operator's session (and its CSRF token), or null without one. */
  async currentSession(): Promise<OperatorSessionResponseDto | null> {
    try {
      const session = await this.call<OperatorSessionResponseDto>('GET', '/session', { quietOnSessionEnd: true });
      this.csrfToken = session.csrf_token;
      return session;
    } catch (error) {
      if (error instanceof OperatorApiError && error.status === 401) return null;
      throw error;
    }
  }

  async signOut(): Promise<void> {
    try {
      await this.call<void>('DELETE', '/session', { quietOnSessionEnd: true });
    } finally {
      this.csrfToken = null;
    }
  }

  sagaFigures(minutes: number): Promise<SagaFiguresResponseDto> {
    return this.call('GET', `/sagas/figures${queryOf({ minutes: String(minutes) })}`);
  }

  listSagas(filters: SagaFilters): Promise<OperatorSagaPageResponseDto> {
    return this.call('GET', `/sagas${queryOf(filters)}`);
  }

  saga(orderId: string): Promise<OperatorSagaDetailResponseDto> {
    return this.call('GET', `/sagas/${encodeURIComponent(orderId)}`);
  }

  /** A new id for an action: made once per confirmation, so a repeated submit or a CSRF retry is the same action. */
  newActionId(): string {
    return this.newId();
  }

  actOnSaga(orderId: string, action: SagaActionName, actionId: string, reason: string): Promise<SagaActionResponseDto> {
    return this.call('POST', `/sagas/${encodeURIComponent(orderId)}/${action}`, { body: { action_id: actionId, reason } });
  }

  /** How many of the service's dead letters are parked, exactly (one count in the service). */
  deadLetterDepth(service: DeadLetterService): Promise<DeadLetterDepthResponseDto> {
    return this.call('GET', `/dead-letters/${service}/depth`);
  }

  deadLetters(service: DeadLetterService, filters: DeadLetterFilters): Promise<DeadLetterPageResponseDto> {
    return this.call('GET', `/dead-letters/${service}${queryOf(filters)}`);
  }

  redriveDeadLetter(service: DeadLetterService, id: string, actionId: string, reason: string): Promise<DeadLetterActionResponseDto> {
    return this.call('POST', `/dead-letters/${service}/${encodeURIComponent(id)}/redrive`, { body: { action_id: actionId, reason } });
  }

  discardDeadLetter(service: DeadLetterService, id: string, actionId: string, reason: string): Promise<DeadLetterActionResponseDto> {
    return this.call('POST', `/dead-letters/${service}/${encodeURIComponent(id)}/discard`, { body: { action_id: actionId, reason } });
  }

  /** Every parked dead letter of the service matching `consumer`/`topic` (up to 500 a call; has_more says to act again). */
  redriveAllDeadLetters(
    service: DeadLetterService,
    scope: { consumer?: string; topic?: string },
    actionId: string,
    reason: string,
  ): Promise<DeadLettersRedrivenResponseDto> {
    const filters = Object.fromEntries(Object.entries(scope).filter(([, value]) => value));
    return this.call('POST', `/dead-letters/${service}/redrive`, { body: { action_id: actionId, reason, ...filters } });
  }

  webhookFigures(minutes: number): Promise<WebhookFiguresResponseDto> {
    return this.call('GET', `/webhook-deliveries/figures${queryOf({ minutes: String(minutes) })}`);
  }

  webhookEndpoints(filters: WebhookEndpointFilters): Promise<OperatorWebhookEndpointPageResponseDto> {
    return this.call('GET', `/webhook-endpoints${queryOf(filters)}`);
  }

  webhookDeliveries(filters: WebhookDeliveryFilters): Promise<OperatorWebhookDeliveryPageResponseDto> {
    return this.call('GET', `/webhook-deliveries${queryOf(filters)}`);
  }

  webhookDelivery(deliveryId: string): Promise<OperatorWebhookDeliveryResponseDto> {
    return this.call('GET', `/webhook-deliveries/${encodeURIComponent(deliveryId)}`);
  }

  resendWebhookDelivery(deliveryId: string, actionId: string, reason: string): Promise<WebhookActionResponseDto> {
    return this.call('POST', `/webhook-deliveries/${encodeURIComponent(deliveryId)}/resend`, { body: { action_id: actionId, reason } });
  }

  resendFailedWebhooks(scope: ResendFailedScope, actionId: string, reason: string): Promise<WebhookActionResponseDto> {
    return this.call('POST', '/webhook-deliveries/resend-failed', { body: { action_id: actionId, reason, ...scope } });
  }

  sendTestWebhookEvent(endpointId: string, actionId: string, reason: string): Promise<WebhookActionResponseDto> {
    return this.call('POST', `/webhook-endpoints/${encodeURIComponent(endpointId)}/test-event`, { body: { action_id: actionId, reason } });
  }

  auditLog(filters: AuditFilters): Promise<OperatorAuditPageResponseDto> {
    return this.call('GET', `/audit-log${queryOf(filters)}`);
  }

  private async call<T>(
    method: string,
    path: string,
    options: { body?: unknown; signIn?: boolean; quietOnSessionEnd?: boolean; csrfRetried?: boolean } = {},
  ): Promise<T> {
    const changes = method !== 'GET';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (changes && !options.signIn && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await this.fetchImpl(`${OPERATOR_API}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
    const error = await errorOf(response);
    if (error.code === 'CSRF_TOKEN_INVALID' && !options.csrfRetried) {
      // The token went with a reload (memory only): read it again from the session, then the same request once more.
      const session = await this.currentSession();
      if (session) return this.call<T>(method, path, { ...options, csrfRetried: true });
    }
    if (error.status === 401 && error.code === 'OPERATOR_SESSION_REQUIRED') {
      this.csrfToken = null;
      if (!options.quietOnSessionEnd) this.onSessionEnded();
    }
    throw error;
  }
}

async function errorOf(response: Response): Promise<OperatorApiError> {
  const body = (await response.json().catch(() => null)) as Partial<ApiErrorResponseDto> | null;
  return new OperatorApiError(
    response.status,
    body?.error_code ?? `HTTP_${response.status}`,
    body?.message ?? `${response.status} ${response.statusText}`,
    body?.request_id ?? response.headers.get('x-request-id'),
    body?.details ?? [],
  );
}

/** `?a=1&b=2` of the values given, empty ones left out. */
export function queryOf(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(name, value);
  const query = params.toString();
  return query ? `?${query}` : '';
}
