import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR_CSRF_SCHEME, OPERATOR_SESSION_SCHEME, OPERATOR_TAG } from './operator-route';
import { OperatorTestGateway, SAGA_ORDER, SignedInSession, startOperatorTestGateway } from './operator-test-gateway';

/**
 * Every route of the committed OpenAPI document's `operator` tag (gateway:openapi-check keeps the document equal
 * to the controllers), called on the real gateway: without a session it is 401, with an API client's valid
 * read-write token it is 403, and a change without the session's CSRF token is 403. A new operator route is in
 * the document, so it is in this loop without anyone adding it here.
 */

interface Schema {
  $ref?: string;
  enum?: string[];
}

interface Operation {
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema?: Schema }[];
}

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/**
 * A path parameter gets a value that names something, so a refusal cannot be a 404 in disguise: the first of its
 * values when it has a list of them (a dead letter's service), else an order id the stand-ins know.
 */
function valueOf(operation: Operation, name: string): string {
  const schema = operation.parameters?.find((parameter) => parameter.in === 'path' && parameter.name === name)?.schema;
  const resolved = schema?.$ref ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
  return resolved?.enum?.[0] ?? SAGA_ORDER;
}

const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
  Object.entries(operations)
    .filter(([, operation]) => operation.tags?.includes(OPERATOR_TAG))
    .map(([method, operation]) => ({
      label: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      url: path.replace(/\{([^}]+)\}/g, (_, name: string) => valueOf(operation, name)),
      schemes: (operation.security ?? []).flatMap((requirement) => Object.keys(requirement)),
    })),
);
const changes = routes.filter((route) => route.method !== 'GET');
/** The one operator route open to a caller without a session. */
const SIGN_IN = 'POST /api/v1/operator/session';

let gateway: OperatorTestGateway;
let session: SignedInSession;
let token: string;

beforeAll(async () => {
  gateway = await startOperatorTestGateway();
  const { username, password } = await gateway.createOperator();
  session = await gateway.signIn(username, password);
  token = await gateway.apiToken();
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
});

function call(route: (typeof routes)[number], headers: Record<string, string>): Promise<Response> {
  const hasBody = route.method !== 'GET';
  return fetch(`${gateway.url}${route.url}`, {
    method: route.method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(hasBody ? { body: JSON.stringify({ action_id: '7d1b4a3e-2c9f-4e57-9a0b-5f6c8d2e1a34', reason: 'route check', username: 'x', password: 'y' }) } : {}),
  });
}

async function outcomes(headers: (route: (typeof routes)[number]) => Record<string, string>, of = routes): Promise<string[]> {
  const answers = [];
  for (const route of of) {
    const response = await call(route, headers(route));
    const body = (await response.json()) as { error_code?: string };
    answers.push(`${route.label} → ${response.status} ${body.error_code ?? ''}`.trim());
  }
  return answers;
}

describe('every route of the operator tag', () => {
  it('is documented with the session cookie, and with the CSRF header when it changes something; only the sign-in has neither', () => {
    expect(routes.length).toBeGreaterThanOrEqual(22);
    expect(routes.filter((route) => route.schemes.length === 0).map((route) => route.label)).toEqual([SIGN_IN]);
    expect(routes.filter((route) => route.label !== SIGN_IN && !route.schemes.includes(OPERATOR_SESSION_SCHEME)).map((route) => route.label)).toEqual([]);
    expect(routes.filter((route) => route.schemes.includes(OPERATOR_CSRF_SCHEME)).map((route) => route.label)).toEqual(
      changes.filter((route) => route.label !== SIGN_IN).map((route) => route.label),
    );
  });

  it('answers 401 OPERATOR_SESSION_REQUIRED without a session, the sign-in excepted', async () => {
    const guarded = routes.filter((route) => route.label !== SIGN_IN);

    expect(await outcomes(() => ({}), guarded)).toEqual(guarded.map((route) => `${route.label} → 401 OPERATOR_SESSION_REQUIRED`));
    expect(gateway.received).toEqual([]);
  });

  it("answers 403 FORBIDDEN to an API client's valid read-write token, with or without a session beside it", async () => {
    const bearer = { authorization: `Bearer ${token}` };

    expect(await outcomes(() => bearer)).toEqual(routes.map((route) => `${route.label} → 403 FORBIDDEN`));
    expect(await outcomes(() => ({ ...bearer, cookie: session.cookie, 'x-csrf-token': session.csrf }))).toEqual(
      routes.map((route) => `${route.label} → 403 FORBIDDEN`),
    );
    expect(gateway.received).toEqual([]);
  });

  it("answers 403 CSRF_TOKEN_INVALID to every change made with a session but without the session's token", async () => {
    const guardedChanges = changes.filter((route) => route.label !== SIGN_IN);

    expect(await outcomes(() => ({ cookie: session.cookie }), guardedChanges)).toEqual(
      guardedChanges.map((route) => `${route.label} → 403 CSRF_TOKEN_INVALID`),
    );
    expect(gateway.received).toEqual([]);
  });
});
