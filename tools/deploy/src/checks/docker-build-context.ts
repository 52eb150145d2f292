import { copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import ignore from '@balena/dockerignore';
import type { Copy } from 'dockerfile-ast';
import { stagesOf } from './dockerfile';

/** What a build stage does with the context, in the Dockerfile's order. */
export type BuildStep =
  | { kind: 'copy'; sources: string[]; destination: string }
  | { kind: 'run'; command: string }
  /** A build argument declared here: RUN lines after it see it, those before do not. */
  | { kind: 'arg'; name: string };

/**
 * The files `docker build .` sends as its context: every file under `root` that `.dockerignore` does not
 * exclude, as '/'-separated paths relative to `root`, sorted. Matching is @balena/dockerignore's, a port of
 * Docker's own matcher, so a rule means here what it means to Docker (`tools/infra` excludes everything
 * below it, `dist` only the top-level folder, `!` re-includes).
 */
export function buildContextFiles(root: string): string[] {
  const rules = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
  const matcher = ignore().add(rules);
  // Like Docker's walk, an excluded folder is skipped whole unless an exception could bring part of it back.
  const prunable = !rules.some((rule) => rule.trim().startsWith('!'));
  const files: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of readdirSync(join(root, relativeDir), { withFileTypes: true })) {
      const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      const excluded = matcher.ignores(path);
      if (entry.isDirectory()) {
        if (!(excluded && prunable)) walk(path);
      } else if (!excluded) {
        files.push(path);
      }
    }
  };
  walk('');
  return files.sort();
}

/**
 * The named stage's WORKDIR and its COPY-from-context, ARG and RUN steps. Anything this model cannot
 * reproduce faithfully (COPY --from or other flags, wildcards, ADD, a second WORKDIR) is refused rather
 * than approximated, so the check never passes on a build it did not really reproduce.
 */
export function buildStageSteps(dockerfile: string, stageName: string): { workdir: string; steps: BuildStep[] } {
  const stage = stagesOf(dockerfile).find((candidate) => candidate.name === stageName);
  if (!stage) throw new Error(`the Dockerfile has no stage named ${stageName}`);
  let workdir: string | undefined;
  const steps: BuildStep[] = [];
  for (const instruction of stage.instructions) {
    const keyword = instruction.getKeyword().toUpperCase();
    const content = instruction.getArgumentsContent() ?? '';
    const args = instruction.getArguments().map((argument) => argument.getValue());
    switch (keyword) {
      case 'WORKDIR':
        if (workdir !== undefined) throw new Error(`stage ${stageName}: a second WORKDIR is not modelled`);
        workdir = content.trim();
        break;
      case 'COPY': {
        // dockerfile-ast keeps flags (--from, --chown, --link …) apart from the arguments.
        const flags = (instruction as Copy).getFlags().map((flag) => `--${flag.getName()}`);
        if (flags.length > 0) throw new Error(`stage ${stageName}: COPY with flags (${flags.join(' ')}) is not modelled: ${content}`);
        if (args.some((arg) => /[*?[]/.test(arg))) throw new Error(`stage ${stageName}: COPY with wildcards is not modelled: ${content}`);
        if (args.length < 2) throw new Error(`stage ${stageName}: COPY needs a source and a destination: ${content}`);
        steps.push({ kind: 'copy', sources: args.slice(0, -1), destination: args[args.length - 1] });
        break;
      }
      case 'RUN':
        steps.push({ kind: 'run', command: content.trim() });
        break;
      case 'ARG':
        steps.push({ kind: 'arg', name: content.split('=')[0].trim() });
        break;
      case 'ADD':
        throw new Error(`stage ${stageName}: ADD is not modelled: ${content}`);
      default:
        // ENV, LABEL, USER …: nothing the compile depends on in this Dockerfile's build stage.
        break;
    }
  }
  if (workdir === undefined) throw new Error(`stage ${stageName} has no WORKDIR`);
  return { workdir, steps };
}

/**
 * Places context files into `targetDir` (the stage's WORKDIR) as one COPY does: a folder's contents go
 * into the destination, a file into it when the destination ends in '/' or several sources are named.
 * A source with nothing in the context fails the build, as it fails `docker build`.
 */
export function applyCopy(step: Extract<BuildStep, { kind: 'copy' }>, workdir: string, contextRoot: string, contextFiles: string[], targetDir: string): void {
  const destination = posix.isAbsolute(step.destination) ? posix.relative(workdir, step.destination) : posix.normalize(step.destination);
  if (destination.startsWith('..')) throw new Error(`COPY into ${step.destination}, outside the WORKDIR ${workdir}, is not modelled`);
  const intoFolder = step.destination.endsWith('/') || step.sources.length > 1;
  for (const rawSource of step.sources) {
    const source = posix.normalize(rawSource).replace(/\/$/, '');
    const asFile = contextFiles.includes(source);
    const below = contextFiles.filter((file) => source === '.' || file.startsWith(`${source}/`));
    if (!asFile && below.length === 0) throw new Error(`COPY ${rawSource}: not found in the build context (excluded by .dockerignore, or missing)`);
    const placements = asFile
      ? [[source, intoFolder ? posix.join(destination, posix.basename(source)) : destination]]
      : below.map((file) => [file, posix.join(destination, source === '.' ? file : file.slice(source.length + 1))]);
    for (const [from, to] of placements) {
      const target = join(targetDir, to);
      mkdirSync(dirname(target), { recursive: true });
      const origin = join(contextRoot, from);
      if (lstatSync(origin).isSymbolicLink()) symlinkSync(readlinkSync(origin), target);
      else copyFileSync(origin, target);
    }
  }
}

/** The APP values the Dockerfile's header documents ("APP is one of: a, b, c."). */
export function documentedApps(dockerfile: string): string[] {
  const comment = dockerfile
    .split('\n')
    .filter((line) => line.startsWith('#'))
    .map((line) => line.replace(/^#\s?/, ''))
    .join(' ');
  const list = /APP is one of: ([^.]+)\./.exec(comment)?.[1];
  if (!list) throw new Error('the Dockerfile does not document its APP values ("# APP is one of: …")');
  return list.split(',').map((app) => app.trim());
}

/**
 * What later stages take from the named stage (`COPY --from=<stage> <source> …`), as paths below its
 * WORKDIR, with `${ARG}` references substituted from `args`.
 */
export function copiedFromStage(dockerfile: string, stageName: string, workdir: string, args: Record<string, string>): string[] {
  return stagesOf(dockerfile)
    .flatMap((stage) => stage.instructions)
    .filter(
      (instruction): instruction is Copy => instruction.getKeyword().toUpperCase() === 'COPY' && (instruction as Copy).getFromFlag()?.getValue() === stageName,
    )
    .flatMap((copy) =>
      copy
        .getArguments()
        .slice(0, -1)
        .map((argument) => argument.getValue()),
    )
    .map((source) => source.replace(/\$\{(\w+)\}|\$(\w+)/g, (reference, braced?: string, bare?: string) => args[braced ?? bare ?? ''] ?? reference))
    .map((source) => posix.relative(workdir, posix.resolve(workdir, source)));
}
