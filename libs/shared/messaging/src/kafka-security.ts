import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { KafkaSecurityConfig } from './messaging.config';

/** The part of a kafkajs client's options that says how it connects: spread into `new Kafka({...})`. */
export interface KafkaClientSecurity {
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
}

/** Reads the files the settings name. Without KAFKA_SSL (and so without SASL, see KafkaSecurityConfig) this is `{}`: plaintext. */
export function kafkaClientSecurity(config: KafkaSecurityConfig): KafkaClientSecurity {
  if (!config.KAFKA_SSL) return {};
  const ssl: ConnectionOptions = { rejectUnauthorized: config.KAFKA_SSL_REJECT_UNAUTHORIZED };
  if (config.KAFKA_SSL_CA_FILE) ssl.ca = [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')];
  if (config.KAFKA_SSL_CERT_FILE && config.KAFKA_SSL_KEY_FILE) {
    ssl.cert = readFileSync(config.KAFKA_SSL_CERT_FILE, 'utf8');
    ssl.key = readFileSync(config.KAFKA_SSL_KEY_FILE, 'utf8');
  }
  const mechanism = config.KAFKA_SASL_MECHANISM;
  if (!mechanism) return { ssl };
  const username = config.KAFKA_SASL_USERNAME ?? '';
  const password = config.KAFKA_SASL_PASSWORD_FILE
    ? readFileSync(config.KAFKA_SASL_PASSWORD_FILE, 'utf8').replace(/\r?\n$/, '')
    : (config.KAFKA_SASL_PASSWORD ?? '');
  return { ssl, sasl: { mechanism, username, password } };
}

/** Whether any connection setting is given; without one every client connects in plaintext as before. */
export function kafkaSecurityConfigured(config: KafkaSecurityConfig): boolean {
  return config.KAFKA_SSL || config.KAFKA_SASL_MECHANISM !== undefined;
}

/** One line for the boot log: how the clients connect, without secrets. */
export function describeKafkaSecurity(config: KafkaSecurityConfig): string {
  if (!config.KAFKA_SSL) return 'plaintext';
  const parts = [config.KAFKA_SASL_MECHANISM ? 'SASL_SSL' : 'SSL'];
  if (config.KAFKA_SASL_MECHANISM) parts.push(`${config.KAFKA_SASL_MECHANISM.toUpperCase()} as ${config.KAFKA_SASL_USERNAME}`);
  if (config.KAFKA_SSL_CERT_FILE) parts.push(`client certificate ${config.KAFKA_SSL_CERT_FILE}`);
  parts.push(config.KAFKA_SSL_CA_FILE ? `CA ${config.KAFKA_SSL_CA_FILE}` : "Node's public CAs");
  if (!config.KAFKA_SSL_REJECT_UNAUTHORIZED) parts.push('broker certificate NOT checked (KAFKA_SSL_REJECT_UNAUTHORIZED=false)');
  return parts.join(', ');
}

export type KafkaAccessErrorCode =
  | 'KAFKA_SASL_AUTHENTICATION_FAILED'
  | 'KAFKA_SASL_MECHANISM_REFUSED'
  | 'KAFKA_SASL_REQUIRED'
  | 'KAFKA_NOT_AUTHORIZED'
  | 'KAFKA_TLS_UNTRUSTED_BROKER'
  | 'KAFKA_TLS_HOSTNAME_MISMATCH'
  | 'KAFKA_TLS_CERTIFICATE_EXPIRED'
  | 'KAFKA_TLS_CLIENT_CERTIFICATE_REFUSED'
  | 'KAFKA_TLS_NOT_SPOKEN';

/**
 * The broker refused this client for a reason a setting explains (credentials, trust, TLS on a plaintext
 * port). Retrying cannot help, so a service stops at boot with this message, which names the setting.
 */
export class KafkaAccessError extends Error {
  override readonly name = 'KafkaAccessError';

  constructor(
    readonly code: KafkaAccessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Node's verify errors for a chain that does not end at a trusted CA. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** OpenSSL alerts a broker sends when it does not accept (or got no) client certificate. */
const CLIENT_CERTIFICATE_ALERT =
  /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED|ACCESS_DENIED)/;
const NOT_TLS = /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|UNKNOWN_PROTOCOL/;

interface KafkaJsErrorShape {
  name?: string;
  message?: string;
  code?: string | number;
  type?: string;
  broker?: string;
  cause?: unknown;
}

/**
 * Translates what kafkajs threw (directly, or as the cause of its "retries exceeded") into the setting that
 * explains it. Undefined when no setting does (e.g. a broker that is down): those are left to the retries.
 */
export function explainKafkaError(error: unknown, config: KafkaSecurityConfig): KafkaAccessError | undefined {
  if (error instanceof KafkaAccessError) return error;
  const seen = new Set<unknown>();
  for (
    let current = error as KafkaJsErrorShape | undefined;
    current && typeof current === 'object' && !seen.has(current);
    current = current.cause as KafkaJsErrorShape
  ) {
    seen.add(current);
    const explained = explainOne(current, config, error);
    if (explained) return explained;
  }
  return undefined;
}

function explainOne(error: KafkaJsErrorShape, config: KafkaSecurityConfig, original: unknown): KafkaAccessError | undefined {
  const message = error.message ?? '';
  const code = typeof error.code === 'string' ? error.code : '';
  const fail = (kind: KafkaAccessErrorCode, text: string) => new KafkaAccessError(kind, text, { cause: original });
  const user =
    config.KAFKA_SASL_USERNAME ?? (config.KAFKA_SSL_CERT_FILE ? `of the certificate in KAFKA_SSL_CERT_FILE (${config.KAFKA_SSL_CERT_FILE})` : 'ANONYMOUS');

  if (error.name === 'KafkaJSSASLAuthenticationError' || error.type === 'SASL_AUTHENTICATION_FAILED') {
    if (/not supported|mechanism/i.test(message) && !/invalid credentials/i.test(message)) {
      return fail(
        'KAFKA_SASL_MECHANISM_REFUSED',
        `the broker does not accept KAFKA_SASL_MECHANISM=${config.KAFKA_SASL_MECHANISM} on this listener: ${message}`,
      );
    }
    const password = config.KAFKA_SASL_PASSWORD_FILE ? 'KAFKA_SASL_PASSWORD_FILE' : 'KAFKA_SASL_PASSWORD';
    return fail(
      'KAFKA_SASL_AUTHENTICATION_FAILED',
      `Kafka rejected the SASL credentials of user "${config.KAFKA_SASL_USERNAME}" (KAFKA_SASL_USERNAME / ${password}): ${message}`,
    );
  }
  if (error.type === 'UNSUPPORTED_SASL_MECHANISM') {
    return fail('KAFKA_SASL_MECHANISM_REFUSED', `the broker does not accept KAFKA_SASL_MECHANISM=${config.KAFKA_SASL_MECHANISM} on this listener: ${message}`);
  }
  if (error.type && /_AUTHORIZATION_FAILED$/.test(error.type)) {
    return fail(
      'KAFKA_NOT_AUTHORIZED',
      `Kafka refused user ${user} (${error.type}): its ACLs do not allow what this service does; docs/kafka-security.md lists the ACLs each service needs`,
    );
  }
  if (error.name !== 'KafkaJSConnectionError' && error.name !== 'KafkaJSConnectionClosedError') return undefined;
  const broker = error.broker ? ` at ${error.broker}` : '';
  const detail = code ? `${message} (${code})` : message;
  if (UNTRUSTED.has(code)) {
    return fail(
      'KAFKA_TLS_UNTRUSTED_BROKER',
      config.KAFKA_SSL_CA_FILE
        ? `the broker's certificate${broker} is not trusted by KAFKA_SSL_CA_FILE (${config.KAFKA_SSL_CA_FILE}): ${detail}`
        : `the broker's certificate${broker} is not trusted by Node's public CAs; set KAFKA_SSL_CA_FILE to the CA that signed it: ${detail}`,
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fail(
      'KAFKA_TLS_HOSTNAME_MISMATCH',
      `the broker's certificate does not name the address it was reached at (KAFKA_BROKERS, or the broker's advertised listener): ${detail}`,
    );
  }
  if (EXPIRED.has(code)) {
    return fail('KAFKA_TLS_CERTIFICATE_EXPIRED', `the broker's certificate${broker} is outside its validity period: ${detail}`);
  }
  if (CLIENT_CERTIFICATE_ALERT.test(code) || CLIENT_CERTIFICATE_ALERT.test(message.toUpperCase().replace(/ /g, '_'))) {
    return fail(
      'KAFKA_TLS_CLIENT_CERTIFICATE_REFUSED',
      config.KAFKA_SSL_CERT_FILE
        ? `the broker${broker} refused the client certificate in KAFKA_SSL_CERT_FILE (${config.KAFKA_SSL_CERT_FILE}): ${detail}`
        : `the broker${broker} wants a client certificate: set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE (${detail})`,
    );
  }
  if (config.KAFKA_SSL && (NOT_TLS.test(code) || /wrong version number/i.test(message))) {
    return fail(
      'KAFKA_TLS_NOT_SPOKEN',
      `the broker${broker} does not speak TLS on that port (KAFKA_SSL=true): is KAFKA_BROKERS a PLAINTEXT listener? ${detail}`,
    );
  }
  return undefined;
}

/**
 * Connects once, without retries, with the service's own settings, so a wrong password or an untrusted
 * certificate stops the boot at once with the setting named, instead of after every client's retries.
 * Throws KafkaAccessError for those; returns any other failure (an unreachable broker, which the clients'
 * own retries wait out as before), or undefined when the broker let it in.
 */
export async function checkKafkaAccess(clientId: string, brokers: string[], config: KafkaSecurityConfig): Promise<Error | undefined> {
  const admin = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...kafkaClientSecurity(config) }).admin();
  try {
    await admin.connect();
    return undefined;
  } catch (error) {
    const explained = explainKafkaError(error, config);
    if (explained) throw explained;
    if (config.KAFKA_SSL && !config.KAFKA_SASL_MECHANISM && isClosedByBroker(error)) {
      throw new KafkaAccessError(
        'KAFKA_SASL_REQUIRED',
        'the broker closed the connection right after the TLS handshake, as a SASL_SSL listener does with a client that sends no SASL: set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and a password',
        { cause: error },
      );
    }
    return error as Error;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function isClosedByBroker(error: unknown): boolean {
  for (let current = error as KafkaJsErrorShape | undefined; current; current = current.cause as KafkaJsErrorShape | undefined) {
    if (current.name === 'KafkaJSConnectionClosedError') return true;
  }
  return false;
}
