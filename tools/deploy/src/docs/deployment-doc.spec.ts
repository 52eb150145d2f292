import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../checks/kustomize';
import { SERVICES, serviceConfigVars } from '../checks/service-config-vars';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'deployment.md'), 'utf8');
const sectionOf = (service: string) => {
  const start = doc.indexOf(`### ${service}\n`);
  if (start < 0) throw new Error(`docs/deployment.md has no "### ${service}" section`);
  const end = doc.indexOf('\n### ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
};

describe('docs/deployment.md', () => {
  it.each(SERVICES)('documents every environment variable %s reads', (service) => {
    const section = sectionOf(service);
    const undocumented = serviceConfigVars(service).filter((variable) => !section.includes(`| \`${variable.name}\` |`));
    expect(undocumented.map((variable) => variable.name)).toEqual([]);
  });

  it('names the metrics the alert rules use', () => {
    const rules = readFileSync(join(REPO_ROOT, 'k8s', 'base', 'platform', 'prometheus-rules.yaml'), 'utf8');
    const used = new Set(rules.match(/\b(order_saga_[a-z_]+|webhook_[a-z_]+|http_request_duration_seconds)\b/g));
    const base = [...used].map((metric) => metric.replace(/_(bucket|sum|count)$/, ''));
    for (const metric of base) expect(doc).toContain(`\`${metric}`);
  });
});
