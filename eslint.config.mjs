import nx from '@nx/eslint-plugin';

const scope = (name, ...allowed) => ({ sourceTag: `scope:${name}`, onlyDependOnLibsWithTags: [`scope:${name}`, ...allowed] });

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '.cache', '.data', '.nx', 'tmp', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A service never imports another service's code; it talks to it through contracts and Kafka.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            scope('gateway', 'scope:shared'),
            scope('order', 'scope:shared'),
            scope('inventory', 'scope:shared'),
            scope('payment', 'scope:shared'),
            scope('notification', 'scope:shared'),
            scope('demo', 'scope:shared'),
            // The operator console (a browser app) uses the HTTP contract's types only; see the rule below.
            scope('console', 'scope:shared'),
            // Only for libs/shared/testing, which starts processes through tools/infra: the type rules below keep
            // every other shared library (type:lib, type:contracts) away from tooling.
            scope('shared', 'scope:tooling'),
            scope('tooling', 'scope:shared'),
            scope('e2e', 'scope:shared', 'scope:tooling'),
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing', 'type:tooling'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:tooling'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing', 'type:tooling'] },
            // type:testing here serves the libs' own integration specs.
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
          ],
        },
      ],
      // Config classes annotate defaulted fields (`PORT: number = 3000`): without the annotation the
      // decorator metadata says Object and environment strings are not converted.
      '@typescript-eslint/no-inferrable-types': ['error', { ignoreProperties: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      'no-console': 'error',
    },
  },
  {
    // The console is bundled for the browser: a value import of a workspace library would ship its Nest and
    // class-validator code to every operator's browser. Types are erased by the bundler, so they are allowed.
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@order-saga/*'], allowTypeImports: true, message: 'The console may import only types from workspace libraries (import type).' },
          ],
        },
      ],
    },
  },
];
