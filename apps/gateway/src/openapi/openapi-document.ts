import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OPERATOR_CSRF_SCHEME, OPERATOR_SESSION_SCHEME } from '../operators/operator-route';
import { CSRF_HEADER, OPERATOR_SESSION_COOKIE } from '../operators/sessions/session-cookie';
import { closeSchemas } from './closed-schema';

/**
 * The public API's OpenAPI document, built from the controllers' decorators: every controller
 * registered in AppModule is included, whoever adds it. No `servers` entry, so the committed file
 * does not depend on where it was generated.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('order-saga public API')
    .setDescription(
      'Orders through the gateway, and the operator API (tag operator: a session cookie, not a token; docs/operator-access.md). Every error has the body {error_code, message, details?, request_id, timestamp}; ' +
        'every response carries X-Request-ID and API-Version; /api/v1 responses carry X-RateLimit-Limit/-Remaining/-Reset. ' +
        'See docs/edge-contract.md.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RFC 9068, ES256)' })
    .addOAuth2({
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: { read: 'GET routes', write: 'routes that change state' } } },
    })
    .addCookieAuth(
      OPERATOR_SESSION_COOKIE,
      { type: 'apiKey', description: 'Operator routes: the session cookie POST /api/v1/operator/session sets (HttpOnly, SameSite=Strict)' },
      OPERATOR_SESSION_SCHEME,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: "Operator routes that change state: the session's csrf_token" },
      OPERATOR_CSRF_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Operational routes (/health, /metrics) are for the platform, not API clients.
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => PUBLIC_PATH.test(path)));
  closeSchemas(document);
  return document;
}

const PUBLIC_PATH = /^\/(api\/|oauth\/|\.well-known\/)/;

/** Stable text of the document: the committed file and the regenerated one compare byte for byte. */
export function openApiText(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
