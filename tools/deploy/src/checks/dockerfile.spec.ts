import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerfileProblems, readDockerfile, stagesOf } from './dockerfile';
import { REPO_ROOT } from './kustomize';

const dockerfile = readDockerfile();

describe('the Dockerfile', () => {
  it('lints clean: multi-stage, non-root numeric USER, HEALTHCHECK, exec-form CMD, production deps only, no secrets', () => {
    expect(dockerfileProblems(dockerfile)).toEqual([]);
  });

  it('builds from a pinned Node base image in every stage', () => {
    const stages = stagesOf(dockerfile);
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'prod-deps', 'runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+-[a-z]+-slim$/m);
  });

  it("builds from a Node release that package.json's engines accepts", () => {
    const { engines } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const versionIn = (text: string, pattern: RegExp) => (pattern.exec(text) ?? []).slice(1).map(Number);
    const [imageMajor, imageMinor] = versionIn(dockerfile, /^ARG NODE_IMAGE=node:(\d+)\.(\d+)-/m);
    const [floorMajor, floorMinor] = versionIn(engines.node, /^>=(\d+)\.(\d+)$/);
    expect(floorMajor).toBeGreaterThanOrEqual(22);
    expect(imageMajor).toBe(floorMajor);
    expect(imageMinor).toBeGreaterThanOrEqual(floorMinor);
  });

  it('keeps node_modules, git history, env files and keys out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git', '**/.env', '**/*.pem', '**/*.key', 'dist']));
  });

  it.each([
    ['a single stage', 'FROM node:22-slim\nUSER 1000\nHEALTHCHECK CMD ["true"]\nCMD ["node", "x.js"]\n', /not a multi-stage/],
    ['root as the user', dockerfile.replace('USER 1000:1000', 'USER root'), /runs as root/],
    ['no USER at all', dockerfile.replace(/^USER .*$/m, ''), /no USER/],
    ['no HEALTHCHECK', dockerfile.replace(/^HEALTHCHECK[\s\S]*?healthcheck\.cli\.js", "\/health\/live"\]\n/m, ''), /no HEALTHCHECK/],
    ['dev dependencies in the image', dockerfile.replace('--omit=dev ', ''), /--omit=dev/],
    ['a baked-in secret', dockerfile.replace('PORT=8080', 'PORT=8080 JWT_SECRET=hunter2'), /looks like a secret/],
    ['a shell-form CMD', dockerfile.replace(/^CMD \[.*\]$/m, 'CMD node dist/apps/service/src/main.js'), /exec form/],
  ])('flags %s', (_case, broken, problem) => {
    expect(dockerfileProblems(broken).join('\n')).toMatch(problem);
  });
});
