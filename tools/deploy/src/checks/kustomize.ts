import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kubernetes-schemas';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const OVERLAYS = ['sandbox', 'staging', 'production'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** `kubectl kustomize <dir>`, parsed. kubectl embeds kustomize and renders offline. */
export function renderKustomization(dir: string): KubeObject[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return parseYamlStream(text) as KubeObject[];
}

export function renderOverlay(overlay: Overlay): KubeObject[] {
  return renderKustomization(join(REPO_ROOT, 'k8s', 'overlays', overlay));
}

export function parseYamlStream(text: string): unknown[] {
  return parseAllDocuments(text, { merge: true })
    .map((document) => {
      if (document.errors.length > 0) throw new Error(document.errors.map((error) => error.message).join('\n'));
      return document.toJS() as unknown;
    })
    .filter((value) => value !== null);
}
