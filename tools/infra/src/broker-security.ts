/**
 * Certificates and SCRAM users for a broker started with a SASL_SSL listener (startInfra's
 * `kafkaSecurity: 'sasl_ssl'`): a CA made for the run, the broker's certificate signed by it, a client
 * certificate for mutual TLS, and one random password per user. Needs `openssl` on PATH.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KafkaConfig } from 'kafkajs';

/** `plaintext`: as always. `sasl_ssl`: SCRAM-SHA-512 (and PLAIN) over TLS, plus a mutual-TLS listener. */
export type KafkaSecurityMode = 'plaintext' | 'sasl_ssl';
export const KAFKA_SECURITY_MODES: readonly KafkaSecurityMode[] = ['plaintext', 'sasl_ssl'];

/**
 * The TLS and SASL part of a kafkajs client's options. The launcher builds its own from what it made here, or
 * is handed them (InfraOptions.kafkaClientSecurity): it must not depend on the messaging library, whose
 * tests use the launcher.
 */
export type KafkaClientSecurityOptions = Pick<KafkaConfig, 'ssl' | 'sasl'>;

/** The broker's own SCRAM user: inter-broker traffic, and a super user for the launcher's admin work. */
export const BROKER_ADMIN_USER = 'admin';

/** The CN of the mutual-TLS client certificate; the broker sees it as principal `User:CN=<this>`. */
export const MUTUAL_TLS_CLIENT_CN = 'order-saga-mtls-client';

export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
}

export interface BrokerSecurity {
  dir: string;
  ca: CertificateAuthority;
  /** The broker's key and certificate in one PEM file (a Kafka PEM keystore); SANs IP:127.0.0.1 and DNS:localhost. */
  brokerKeystoreFile: string;
  /** A client certificate and key signed by the CA, for the mutual-TLS listener. */
  clientCertFile: string;
  clientKeyFile: string;
  /** SCRAM-SHA-512 and PLAIN users and their passwords, BROKER_ADMIN_USER among them. */
  passwords: Record<string, string>;
  /** The password of each user in a file of its own, for KAFKA_SASL_PASSWORD_FILE. */
  passwordFiles: Record<string, string>;
  /** The messaging library's settings (KafkaSecurityConfig) for a client connecting as `user` over SASL_SSL. */
  clientEnv(user: string): Record<string, string>;
  /** kafkajs options for connecting as `user` over SASL_SSL (SCRAM-SHA-512). */
  clientOptions(user: string): Promise<KafkaClientSecurityOptions>;
}

const VALID_DAYS = 365;

/**
 * Makes (or, when `dir` already holds them for the same users, reuses) everything a SASL_SSL broker and
 * its clients need. Reuse matters for a broker whose storage survives restarts (`npm run infra`): its
 * SCRAM users were written when the storage was formatted, with these passwords.
 */
export async function createBrokerSecurity(dir: string, users: string[]): Promise<BrokerSecurity> {
  await mkdir(dir, { recursive: true });
  const all = [...new Set([BROKER_ADMIN_USER, ...users])];
  const passwordsFile = join(dir, 'passwords.json');
  const files = {
    ca: { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') },
    brokerKeystoreFile: join(dir, 'broker-keystore.pem'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
  };
  let passwords = await readJson<Record<string, string>>(passwordsFile);
  const complete =
    passwords !== undefined &&
    all.every((user) => passwords?.[user] !== undefined) &&
    (await exists(files.ca.certFile, files.ca.keyFile, files.brokerKeystoreFile, files.clientCertFile, files.clientKeyFile));
  if (!complete || !passwords) {
    const ca = await createCertificateAuthority(dir, 'ca', 'order-saga launcher test CA');
    const broker = await issueCertificate(ca, dir, 'broker', { subject: 'localhost', altNames: 'IP:127.0.0.1,DNS:localhost', usage: 'serverAuth,clientAuth' });
    await writeFile(files.brokerKeystoreFile, (await readFile(broker.keyFile, 'utf8')) + (await readFile(broker.certFile, 'utf8')), { mode: 0o600 });
    await issueCertificate(ca, dir, 'client', { subject: MUTUAL_TLS_CLIENT_CN, usage: 'clientAuth' });
    // Hex: no character a JAAS string or a shell would have to escape.
    passwords = Object.fromEntries(all.map((user) => [user, randomBytes(18).toString('hex')]));
    await writeFile(passwordsFile, JSON.stringify(passwords, null, 2), { mode: 0o600 });
  }
  const known = passwords;
  const passwordFiles: Record<string, string> = {};
  for (const user of all) {
    passwordFiles[user] = join(dir, `${user}.password`);
    await writeFile(passwordFiles[user], `${known[user]}\n`, { mode: 0o600 });
  }
  return {
    dir,
    ...files,
    passwords: known,
    passwordFiles,
    clientEnv: (user) => {
      if (!passwordFiles[user]) throw new Error(`no SCRAM user "${user}" on this broker (users: ${all.join(', ')})`);
      return {
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: files.ca.certFile,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: user,
        KAFKA_SASL_PASSWORD_FILE: passwordFiles[user],
      };
    },
    clientOptions: async (user) => ({
      ssl: { ca: [await readFile(files.ca.certFile, 'utf8')] },
      sasl: { mechanism: 'scram-sha-512', username: user, password: known[user] },
    }),
  };
}

/** openssl req's options for a new, unencrypted EC P-256 key. */
const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A self-signed CA (EC P-256) as `<name>.pem` and `<name>.key` in `dir`. */
export async function createCertificateAuthority(dir: string, name: string, commonName: string): Promise<CertificateAuthority> {
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  await openssl([
    'req',
    '-x509',
    ...NEW_EC_KEY,
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    String(VALID_DAYS),
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { certFile, keyFile };
}

/** A key (unencrypted PKCS#8, as Kafka's PEM keystore and Node read it) and a certificate signed by `ca`. */
async function issueCertificate(
  ca: CertificateAuthority,
  dir: string,
  name: string,
  { subject, altNames, usage }: { subject: string; altNames?: string; usage: string },
): Promise<{ certFile: string; keyFile: string }> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  const csrFile = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  await openssl(['req', '-new', ...NEW_EC_KEY, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${subject}`]);
  await writeFile(extFile, [`extendedKeyUsage=${usage}`, ...(altNames ? [`subjectAltName=${altNames}`] : [])].join('\n') + '\n');
  await openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    String(VALID_DAYS),
    '-extfile',
    extFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile };
}

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args[0]} failed (is openssl on PATH?): ${stderr || error.message}`));
      else resolve();
    });
  });
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function exists(...files: string[]): Promise<boolean> {
  try {
    await Promise.all(files.map((file) => access(file)));
    return true;
  } catch {
    return false;
  }
}
