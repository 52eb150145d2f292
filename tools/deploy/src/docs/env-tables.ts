import { SERVICES, serviceConfigVars } from '../checks/service-config-vars';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The per-service environment tables of docs/deployment.md, from the config classes and their doc comments. */
export function envTablesMarkdown(): string {
  return SERVICES.map((service) =>
    [
      `### ${service}`,
      '',
      '| variable | required | default | what |',
      '|---|---|---|---|',
      ...serviceConfigVars(service).map(
        (variable) =>
          `| \`${variable.name}\` | ${variable.required ? '**yes**' : 'no'} | ${variable.defaultText ? `\`${cell(variable.defaultText)}\`` : ''} | ${cell(variable.doc ?? '')} |`,
      ),
    ].join('\n'),
  ).join('\n\n');
}
