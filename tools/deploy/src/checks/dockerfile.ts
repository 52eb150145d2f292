import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { REPO_ROOT } from './kustomize';

export interface Stage {
  name?: string;
  image: string;
  instructions: Instruction[];
}

export function readDockerfile(path = join(REPO_ROOT, 'Dockerfile')): string {
  return readFileSync(path, 'utf8');
}

/** The Dockerfile's build stages, each with its instructions, through dockerfile-ast (the parser of the VS Code Docker extension). */
export function stagesOf(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  return dockerfile.getFROMs().map((from, index, froms) => {
    const start = from.getRange().start.line;
    const end = froms[index + 1]?.getRange().start.line ?? Number.MAX_SAFE_INTEGER;
    return {
      name: from.getBuildStage() ?? undefined,
      image: from.getImageName() ?? '',
      instructions: dockerfile.getInstructions().filter((instruction) => instruction.getRange().start.line > start && instruction.getRange().start.line < end),
    };
  });
}

const SECRET_NAME = /(secret|password|passwd|token|api[_-]?key|private[_-]?key|credential)/i;

/**
 * What hadolint would flag and this project requires, as readable messages: multi-stage, a non-root
 * numeric USER last, a HEALTHCHECK, exec-form CMD, production dependencies only in the final image,
 * and no secret baked into an ENV or ARG.
 */
export function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  const stages = stagesOf(text);
  if (stages.length < 2) problems.push('not a multi-stage build');
  const final = stages.at(-1);
  if (!final) return ['no FROM'];
  const keyword = (instruction: Instruction) => instruction.getKeyword().toUpperCase();
  const users = final.instructions.filter((instruction) => keyword(instruction) === 'USER');
  const user = users.at(-1)?.getArgumentsContent()?.split(':')[0];
  if (!user) problems.push('final stage has no USER');
  else if (user === 'root' || user === '0') problems.push('final stage runs as root');
  else if (!/^\d+$/.test(user)) problems.push('USER is not numeric (Kubernetes runAsNonRoot cannot verify a name)');
  if (!final.instructions.some((instruction) => keyword(instruction) === 'HEALTHCHECK')) problems.push('final stage has no HEALTHCHECK');
  const cmd = final.instructions.find((instruction) => keyword(instruction) === 'CMD');
  if (!cmd || !cmd.getArgumentsContent()?.trim().startsWith('[')) problems.push('CMD missing or not in exec form');
  const copies = final.instructions.filter((instruction) => keyword(instruction) === 'COPY');
  const modulesFrom = copies
    .find((copy) => /node_modules/.test(copy.getTextContent()))
    ?.getTextContent()
    .match(/--from=(\S+)/)?.[1];
  const depsStage = stages.find((stage) => stage.name === modulesFrom);
  const installsProdOnly = depsStage?.instructions.some(
    (instruction) => keyword(instruction) === 'RUN' && /npm (ci|install)\b.*--omit=dev/.test(instruction.getArgumentsContent() ?? ''),
  );
  if (!installsProdOnly) problems.push('final node_modules do not come from a stage that installs with --omit=dev');
  if (copies.some((copy) => /^\s*(\.|\.\/)\s+/.test(copy.getArgumentsContent() ?? ''))) problems.push('final stage copies the whole build context');
  for (const stage of stages) {
    for (const instruction of stage.instructions.filter((candidate) => ['ENV', 'ARG'].includes(keyword(candidate)))) {
      const content = instruction.getArgumentsContent() ?? '';
      if (SECRET_NAME.test(content)) problems.push(`${keyword(instruction)} looks like a secret: ${content}`);
    }
  }
  return problems;
}
