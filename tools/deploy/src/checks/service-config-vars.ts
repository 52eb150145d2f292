import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './kustomize';

export interface ConfigVar {
  name: string;
  /** No default and not optional: the service refuses to boot without it. */
  required: boolean;
  /** The initializer's source text, e.g. `3000` or `'info'`. */
  defaultText?: string;
  doc?: string;
}

export const SERVICES = ['gateway', 'order-service', 'inventory-service', 'payment-service', 'notification-service'] as const;
export type ServiceName = (typeof SERVICES)[number];

interface ClassInfo {
  parent?: string;
  vars: ConfigVar[];
}

/**
 * Reads the config classes from source (TypeScript's parser, not an import: this tool may not depend on
 * service code), so the deployment checks follow every variable the services add or drop.
 */
function classesIn(file: string): Map<string, ClassInfo> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const classes = new Map<string, ClassInfo>();
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || !node.name) return;
    const parent = node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText(source);
    const vars: ConfigVar[] = [];
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      const name = member.name.text;
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
      const jsDoc = (member as unknown as { jsDoc?: { comment?: unknown }[] }).jsDoc?.[0]?.comment;
      vars.push({
        name,
        required: !member.initializer && !member.questionToken,
        defaultText: member.initializer?.getText(source),
        doc: typeof jsDoc === 'string' ? jsDoc.replace(/\s+/g, ' ').trim() : undefined,
      });
    }
    classes.set(node.name.text, { parent, vars });
  });
  return classes;
}

/** A service's config files: its config class, and the subclass of MessagingConfig with its own defaults if it has one. */
function configFilesOf(service: ServiceName): string[] {
  const dir = join(REPO_ROOT, 'apps', service, 'src', 'config');
  const files = readdirSync(dir).filter((name) => name.endsWith('.config.ts'));
  if (files.length === 0) throw new Error(`no *.config.ts in ${dir}`);
  return files.map((file) => join(dir, file));
}

/** The shared config classes every service's config extends, in these files of libs/shared/config. */
const SHARED_CONFIG_FILES = ['database.config.ts', 'base-service.config.ts'].map((file) => join(REPO_ROOT, 'libs/shared/config/src', file));
const SHARED_CLASSES = new Set(['DatabaseConfig', 'BaseServiceConfig', 'KafkaServiceConfig']);
/** The messaging library's settings (MessagingConfig, with KafkaSecurityConfig), read by every service with a Kafka client. */
const MESSAGING_CONFIG_FILE = join(REPO_ROOT, 'libs/shared/messaging/src/messaging.config.ts');

/** Every environment variable a service reads, base classes first, overrides folded in; a Kafka service's messaging settings (with its own defaults) last. */
export function serviceConfigVars(service: ServiceName): ConfigVar[] {
  const classes = new Map([...SHARED_CONFIG_FILES, MESSAGING_CONFIG_FILE, ...configFilesOf(service)].flatMap((file) => [...classesIn(file)]));
  const main =
    [...classes.entries()].find(([name, info]) => name.endsWith('ServiceConfig') && info.parent && !SHARED_CLASSES.has(name)) ??
    [...classes.entries()].find(([name]) => name === 'GatewayConfig');
  if (!main) throw new Error(`no config class for ${service}`);
  const chain: ClassInfo[] = [];
  const chainOf = (name: string) => {
    const found: ClassInfo[] = [];
    for (let info: ClassInfo | undefined = classes.get(name); info; info = info.parent ? classes.get(info.parent) : undefined) found.unshift(info);
    return found;
  };
  chain.push(...chainOf(main[0]));
  if (chain.includes(classes.get('KafkaServiceConfig') as ClassInfo)) {
    chain.push(...chainOf('MessagingConfig'));
    // The service's own messaging defaults (MessagingModule.forRoot's settings class), folded in last.
    for (const info of classes.values()) if (info.parent === 'MessagingConfig') chain.push(info);
  }
  const vars = new Map<string, ConfigVar>();
  for (const info of chain)
    for (const variable of info.vars) vars.set(variable.name, { ...vars.get(variable.name), ...variable, doc: variable.doc ?? vars.get(variable.name)?.doc });
  return [...vars.values()];
}
