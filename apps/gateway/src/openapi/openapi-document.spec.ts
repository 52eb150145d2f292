import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The committed document (gateway:openapi-check keeps it equal to what the decorators generate) is a
 * complete contract: a client generator or validator finds a schema and the headers for every answer.
 */

interface Response {
  content?: Record<string, { schema?: { $ref?: string; oneOf?: { $ref: string }[] } }>;
  headers?: Record<string, { required?: boolean }>;
}

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { schemas: Record<string, { additionalProperties?: boolean; properties?: Record<string, unknown> }> };
};

const responses = Object.entries(document.paths).flatMap(([path, operations]) =>
  Object.entries(operations).flatMap(([method, operation]) =>
    Object.entries(operation.responses).map(([status, response]) => ({
      label: `${method.toUpperCase()} ${path} ${status}`,
      path,
      status: Number(status),
      response,
    })),
  ),
);
const apiV1 = responses.filter(({ path }) => path.startsWith('/api/v1/'));
/** The API clients' routes: the operator routes take a session, not a token, and are not rate-limited per client. */
const clientRoutes = apiV1.filter(({ path }) => !path.startsWith('/api/v1/operator/'));
const refOf = (response: Response) => response.content?.['application/json']?.schema?.$ref;

describe('the committed OpenAPI document', () => {
  it('gives every answer but a 204 a JSON body schema', () => {
    expect(responses.length).toBeGreaterThan(150);
    expect(responses.filter(({ status, response }) => status !== 204 && !response.content?.['application/json']?.schema).map(({ label }) => label)).toEqual([]);
    expect(responses.filter(({ status, response }) => status === 204 && response.content).map(({ label }) => label)).toEqual([]);
  });

  it('describes every /api/v1 error with the one ErrorResponse schema', () => {
    const errors = apiV1.filter(({ status }) => status >= 400);

    expect(errors.length).toBeGreaterThan(100);
    expect(errors.filter(({ response }) => refOf(response) !== '#/components/schemas/ErrorResponse').map(({ label }) => label)).toEqual([]);
  });

  it("lists X-Request-ID and API-Version as required on every answer, and the rate limit headers on every API client's answer past the token check", () => {
    const missingCommon = responses.filter(({ response }) => !response.headers?.['X-Request-ID']?.required || !response.headers['API-Version']?.required);
    const pastTokenCheck = clientRoutes.filter(({ status }) => status < 400 || [402, 404, 409, 429, 503].includes(status));

    expect(missingCommon.map(({ label }) => label)).toEqual([]);
    expect(
      pastTokenCheck
        .filter(({ response }) => !['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'].every((name) => response.headers?.[name]?.required))
        .map(({ label }) => label),
    ).toEqual([]);
    expect(
      apiV1.filter(({ status, response }) => (status === 429 || status === 503) && !response.headers?.['Retry-After']?.required).map(({ label }) => label),
    ).toEqual([]);
  });

  it('documents the statuses the seed scenarios produce: replay 200 and pending 202 of POST /orders, 404 of an unknown order', () => {
    const statuses = (path: string, method: string) => Object.keys(document.paths[path][method].responses);

    expect(statuses('/api/v1/orders', 'post')).toEqual(expect.arrayContaining(['200', '201', '202', '400', '402', '409', '429', '503']));
    expect(statuses('/api/v1/orders/{orderId}', 'get')).toEqual(expect.arrayContaining(['200', '404']));
    expect(refOf(document.paths['/api/v1/orders/{orderId}/track'].get.responses['200'])).toBe('#/components/schemas/OrderTrack');
  });

  it('closes every response body schema: a field the services never send is a violation, not a surprise', () => {
    const bodySchemas = new Set(responses.map(({ response }) => refOf(response)).filter((ref): ref is string => ref !== undefined));
    const open = [...bodySchemas]
      .map((ref) => ref.replace('#/components/schemas/', ''))
      .filter((name) => document.components.schemas[name].additionalProperties !== false);

    expect(bodySchemas.size).toBeGreaterThan(15);
    expect(open).toEqual([]);
  });
});
