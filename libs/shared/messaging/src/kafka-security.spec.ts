import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { describeKafkaSecurity, explainKafkaError, KafkaAccessError } from './kafka-security';
import { KafkaSecurityConfig } from './messaging.config';

const config = (values: Partial<KafkaSecurityConfig>) => Object.assign(new KafkaSecurityConfig(), values);
const scram = config({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/etc/kafka/ca.crt', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'order-service' });
/** How kafkajs reports a failed TLS handshake after its retries: the socket's error code on the last cause. */
const tlsFailure = (code: string, message: string) =>
  new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError(`Connection error: ${message}`, { broker: '127.0.0.1:9093', code } as never), {
    retryCount: 0,
    retryTime: 300,
  });

describe('explainKafkaError', () => {
  it('names the user and the password setting when the broker rejects the SASL credentials', () => {
    // kafkajs' typings leave out the message its constructor takes.
    const error = new (KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error)(
      'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );

    const explained = explainKafkaError(error, { ...scram, KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' });

    expect(explained).toBeInstanceOf(KafkaAccessError);
    expect(explained?.code).toBe('KAFKA_SASL_AUTHENTICATION_FAILED');
    expect(explained?.message).toMatch(
      /^Kafka rejected the SASL credentials of user "order-service" \(KAFKA_SASL_USERNAME \/ KAFKA_SASL_PASSWORD_FILE\): SASL SCRAM/,
    );
  });

  it('names KAFKA_SASL_MECHANISM when the listener does not offer it', () => {
    const error = new KafkaJSProtocolError({
      message: 'The broker does not support the requested SASL mechanism',
      type: 'UNSUPPORTED_SASL_MECHANISM',
      code: 33,
    } as never);

    expect(explainKafkaError(error, scram)?.message).toMatch(/^the broker does not accept KAFKA_SASL_MECHANISM=scram-sha-512 on this listener/);
  });

  it('names KAFKA_SSL_CA_FILE when it does not sign the broker certificate, found as the cause of the retries', () => {
    const explained = explainKafkaError(tlsFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), scram);

    expect(explained?.code).toBe('KAFKA_TLS_UNTRUSTED_BROKER');
    expect(explained?.message).toBe(
      "the broker's certificate at 127.0.0.1:9093 is not trusted by KAFKA_SSL_CA_FILE (/etc/kafka/ca.crt): Connection error: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    );
  });

  it('asks for KAFKA_SSL_CA_FILE when no CA file is set and the public CAs do not sign the broker certificate', () => {
    const explained = explainKafkaError(tlsFailure('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), config({ KAFKA_SSL: true }));

    expect(explained?.message).toMatch(/not trusted by Node's public CAs; set KAFKA_SSL_CA_FILE to the CA that signed it/);
  });

  it('tells a host name mismatch, an expired certificate, a refused client certificate and a plaintext port apart', () => {
    const codes = [
      ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"],
      ['CERT_HAS_EXPIRED', 'certificate has expired'],
      ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'],
      ['ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'],
    ].map(([code, message]) => explainKafkaError(tlsFailure(code, message), scram)?.code);

    expect(codes).toEqual(['KAFKA_TLS_HOSTNAME_MISMATCH', 'KAFKA_TLS_CERTIFICATE_EXPIRED', 'KAFKA_TLS_CLIENT_CERTIFICATE_REFUSED', 'KAFKA_TLS_NOT_SPOKEN']);
  });

  it('names the user whose ACLs refuse a topic or group', () => {
    const error = new KafkaJSProtocolError({
      message: 'Not authorized to access topics: [Topic authorization failed]',
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: 29,
    } as never);

    expect(explainKafkaError(error, scram)?.message).toMatch(/^Kafka refused user order-service \(TOPIC_AUTHORIZATION_FAILED\)/);
  });

  it('leaves an unreachable broker to the retries', () => {
    expect(explainKafkaError(tlsFailure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9093'), scram)).toBeUndefined();
    expect(explainKafkaError(new Error('something else'), scram)).toBeUndefined();
  });
});

describe('describeKafkaSecurity', () => {
  it('says how the clients connect without printing a secret', () => {
    expect(describeKafkaSecurity({ ...scram, KAFKA_SASL_PASSWORD: 'hunter2' })).toBe('SASL_SSL, SCRAM-SHA-512 as order-service, CA /etc/kafka/ca.crt');
    expect(describeKafkaSecurity(config({}))).toBe('plaintext');
  });
});
