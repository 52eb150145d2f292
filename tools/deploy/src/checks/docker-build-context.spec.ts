import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { applyCopy, buildContextFiles, buildStageSteps, type BuildStep, copiedFromStage, documentedApps } from './docker-build-context';
import { readDockerfile } from './dockerfile';
import { REPO_ROOT } from './kustomize';

/*
 * The image build without a Docker engine: the context `docker build .` would send (the repository
 * filtered by .dockerignore), laid out by the build stage's own COPY lines, then the stage's own RUN
 * lines. Only the dependency install is replaced, by the repository's node_modules: it installs from the
 * same lockfile. A file the compile needs that .dockerignore leaves out fails here as it fails in Docker.
 */

/** tsc over the images' programs, with the load of a shared CI machine. */
const COMPILE_TIMEOUT_MS = 300_000;
const dockerfile = readDockerfile();
const apps = documentedApps(dockerfile);
const { workdir, steps } = buildStageSteps(dockerfile, 'build');
const appArg = steps.findIndex((step) => step.kind === 'arg' && step.name === 'APP');
const isDependencyInstall = (step: BuildStep) => step.kind === 'run' && /^npm ci\b/.test(step.command);

function run(step: Extract<BuildStep, { kind: 'run' }>, cwd: string, env: Record<string, string> = {}): void {
  try {
    execFileSync('/bin/sh', ['-c', step.command], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`RUN ${step.command} failed (exit ${failed.status}):\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('the Docker build context', () => {
  let context: string[];
  let buildDir: string;

  beforeAll(() => {
    context = buildContextFiles(REPO_ROOT);
    buildDir = mkdtempSync(join(tmpdir(), 'order-saga-docker-build-'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir');
    for (const step of appArg < 0 ? steps : steps.slice(0, appArg)) {
      if (step.kind === 'copy') applyCopy(step, workdir, REPO_ROOT, context, buildDir);
      else if (step.kind === 'run' && !isDependencyInstall(step)) run(step, buildDir);
    }
  }, COMPILE_TIMEOUT_MS);

  afterAll(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('holds neither node_modules, specs, tools/infra nor e2e suites', () => {
    expect(context.filter((file) => /(^|\/)node_modules\/|\.spec\.ts$|^tools\/infra\/|^apps\/saga-e2e\//.test(file))).toEqual([]);
    expect(context).toContain('tsconfig.build.json');
  });

  it.each(apps)("compiles the %s image's app, as the Dockerfile's APP check requires", (app) => {
    for (const step of appArg < 0 ? [] : steps.slice(appArg + 1)) {
      if (step.kind === 'run') run(step, buildDir, { APP: app });
    }
    expect(existsSync(join(buildDir, 'dist', 'apps', app, 'src', 'main.js'))).toBe(true);
    // The runtime stage's COPY --from=build lines find what they take (the app, dist/libs, the runtime CLIs).
    const taken = copiedFromStage(dockerfile, 'build', workdir, { APP: app });
    expect(taken).toContain(`dist/apps/${app}`);
    expect(taken.filter((path) => !existsSync(join(buildDir, path)))).toEqual([]);
  });

  it('builds the operator console into the gateway image: its page, script and stylesheet, which the runtime stage takes', () => {
    for (const step of appArg < 0 ? [] : steps.slice(appArg + 1)) {
      if (step.kind === 'run') run(step, buildDir, { APP: 'gateway' });
    }
    const built = filesUnder(join(buildDir, 'dist', 'apps', 'console'));
    expect(built).toContain('index.html');
    expect(built.filter((file) => /^assets\/index-[\w-]+\.js$/.test(file))).toHaveLength(1);
    expect(built.filter((file) => /^assets\/index-[\w-]+\.css$/.test(file))).toHaveLength(1);
    expect(copiedFromStage(dockerfile, 'build', workdir, { APP: 'gateway' })).toContain('dist/apps/console');
  });

  it('compiles only what an image runs: the documented apps and the runtime CLIs, no spec, test support or measuring program', () => {
    const dist = join(buildDir, 'dist');
    // `console` is the operator console's static build (the gateway's), not a compiled program.
    expect(
      readdirSync(join(dist, 'apps'))
        .filter((app) => app !== 'console')
        .sort(),
    ).toEqual([...apps].sort());
    const emitted = filesUnder(dist);
    expect(emitted.filter((file) => file.startsWith('tools/') && !file.startsWith('tools/deploy/src/runtime/'))).toEqual([]);
    expect(emitted.filter((file) => file.startsWith('apps/console/') && !/^apps\/console\/(index\.html|assets\/index-[\w-]+\.(js|css))$/.test(file))).toEqual(
      [],
    );
    expect(emitted.filter((file) => /\.spec\.js$|e2e|libs\/shared\/testing\/|\/perf\/|-cost\.cli\.js$/.test(file))).toEqual([]);
  });

  it('documents every deployable app (tagged type:app, a Node program with src/main.ts) as an APP value', () => {
    // The operator console is type:app too, but a browser app: it ships inside the gateway image (above).
    const deployable = readdirSync(join(REPO_ROOT, 'apps')).filter((app) => {
      const project = join(REPO_ROOT, 'apps', app, 'project.json');
      const tagged = existsSync(project) && (JSON.parse(readFileSync(project, 'utf8')) as { tags?: string[] }).tags?.includes('type:app');
      return tagged && existsSync(join(REPO_ROOT, 'apps', app, 'src', 'main.ts'));
    });
    expect([...apps].sort()).toEqual(deployable.sort());
  });
});

describe('the build stage model', () => {
  it.each([
    ['a COPY from another stage', 'FROM node AS build\nWORKDIR /src\nCOPY --from=other /x ./x\n', /flags \(--from\) is not modelled/],
    ['a wildcard COPY', 'FROM node AS build\nWORKDIR /src\nCOPY libs/* ./libs/\n', /wildcards is not modelled/],
    ['an ADD', 'FROM node AS build\nWORKDIR /src\nADD x.tgz ./\n', /ADD is not modelled/],
  ])('refuses %s rather than approximate it', (_case, text, problem) => {
    expect(() => buildStageSteps(text, 'build')).toThrow(problem);
  });

  it('fails a COPY whose source .dockerignore leaves out, as docker build does', () => {
    const context = ['apps/gateway/src/main.ts'];
    expect(() => applyCopy({ kind: 'copy', sources: ['tools/infra'], destination: './tools/infra' }, '/src', REPO_ROOT, context, tmpdir())).toThrow(
      /not found in the build context/,
    );
  });
});
