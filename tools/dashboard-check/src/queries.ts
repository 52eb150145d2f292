import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Query } from './metric-names';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const DASHBOARD_FILE = join(REPO_ROOT, 'k8s', 'base', 'platform', 'grafana', 'order-saga.dashboard.json');
export const RULES_FILE = join(REPO_ROOT, 'k8s', 'base', 'platform', 'prometheus-rules.yaml');

interface Panel {
  title?: string;
  targets?: Array<{ refId?: string; expr?: string }>;
  panels?: Panel[];
}
interface Dashboard {
  panels?: Panel[];
  templating?: { list?: Array<{ name: string; type: string; query?: unknown }> };
}

/** Every PromQL query of a Grafana dashboard: panel targets (rows' nested panels too) and query variables. */
export function dashboardQueries(dashboard: Dashboard): Query[] {
  const queries: Query[] = [];
  const visit = (panel: Panel) => {
    for (const target of panel.targets ?? []) {
      if (target.expr) queries.push({ source: `dashboard panel "${panel.title}" ${target.refId ?? ''}`.trim(), expr: target.expr });
    }
    panel.panels?.forEach(visit);
  };
  dashboard.panels?.forEach(visit);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const text = typeof variable.query === 'string' ? variable.query : (variable.query as { query?: string } | undefined)?.query;
    // label_values(metric, label) and query_result(expr) wrap PromQL; the label argument is not a metric.
    const expr = text?.replace(/^\s*label_values\(\s*(.*?)\s*,\s*\w+\s*\)\s*$/, '$1').replace(/^\s*query_result\((.*)\)\s*$/, '$1');
    if (expr && !/^\s*label_values\(\s*\w+\s*\)\s*$/.test(expr)) queries.push({ source: `dashboard variable $${variable.name}`, expr });
  }
  return queries;
}

/** Every alert or recording rule expression of a PrometheusRule manifest. */
export function ruleQueries(manifest: { spec?: { groups?: Array<{ rules?: Array<{ alert?: string; record?: string; expr: string }> }> } }): Query[] {
  return (manifest.spec?.groups ?? []).flatMap((group) =>
    (group.rules ?? []).map((rule) => ({ source: `alert rule ${rule.alert ?? rule.record}`, expr: String(rule.expr) })),
  );
}

/** The dashboard's and the alert rules' queries, as committed. */
export function committedQueries(dashboardFile = DASHBOARD_FILE): Query[] {
  return [...dashboardQueries(JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard), ...ruleQueries(parse(readFileSync(RULES_FILE, 'utf8')))];
}
