/**
 * The metric names a PromQL expression reads, and the names a Prometheus text exposition offers. Enough
 * PromQL to find selectors in dashboard and alert queries, not a full parser: what is not a selector (label
 * matchers, ranges, grouping labels, strings, numbers, functions, keywords, Grafana variables) is removed
 * first, and every identifier left is a metric name.
 */

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

export function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/#[^\n]*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    // Durations (offset 5m), then numbers (1e-9, 0x1f), then Grafana variables ($__rate_interval, ${service}).
    .replace(/\b\d+(\.\d+)?(ms|s|m|h|d|w|y)\b/g, ' ')
    .replace(/\b0x[0-9a-f]+\b|\b\d*\.?\d+(e[+-]?\d+)?\b/gi, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const following = stripped.slice((match.index ?? 0) + match[0].length).trimStart();
    if (following.startsWith('(') || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

const SERIES_SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

/**
 * Every series name a scrape offers: the sample lines' names, and the `# TYPE` lines' families with their
 * histogram or summary suffixes, so a labelled histogram nothing has observed yet still counts as exported.
 */
export function exportedNamesOf(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)/);
    if (type) {
      names.add(type[1]);
      for (const suffix of SERIES_SUFFIXES[type[2]] ?? []) names.add(`${type[1]}${suffix}`);
      continue;
    }
    const sample = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/);
    if (sample) names.add(sample[1]);
  }
  return names;
}

export interface Query {
  /** Where the query lives, e.g. `dashboard panel "Consumer lag" A`. */
  source: string;
  expr: string;
}

/** One line per query that names a metric no scrape exported; empty when every name is exported. */
export function unknownMetrics(queries: Query[], exported: Set<string>): string[] {
  return queries.flatMap((query) =>
    metricNamesOf(query.expr)
      .filter((name) => !exported.has(name))
      .map((name) => `${query.source}: ${name} is exported by no service (${query.expr.replace(/\s+/g, ' ').trim()})`),
  );
}
