// Lint: the layers of the house, enforced. Only extension/ imports `vscode`; the agent core never imports a host; only a
// provider's adapter imports its model SDK; and no import cycles anywhere.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const group = (globs, message) => ({ group: globs, message });

const MODEL_SDKS = [
  '@anthropic-ai/sdk',
  '@anthropic-ai/sdk/*',
  'openai',
  'openai/*',
  '@google/genai',
  '@google/genai/*',
];
const NO_VSCODE = { name: 'vscode', message: 'Only extension/ imports vscode.' };
const SDK = group(
  MODEL_SDKS,
  "Only a provider's adapter (backend/src/core/model/<provider>.ts) imports its model SDK.",
);
const HOSTS = group(['**/server/**', '**/lambda/**', '**/infra/**'], 'The agent core never imports a host.');
const ADAPTERS = [
  'backend/src/core/model/anthropic.ts',
  'backend/src/core/model/openai.ts',
  'backend/src/core/model/gemini.ts',
];
const layer = (files, paths, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/out/**',
      'test-results/**',
      '**/.data/**',
      '**/cdk.out/**',
      'media/**',
      '.cache/**',
      '.vscode-test/**',
      'bench/**',
      'backend/.data/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          noWarnOnMultipleProjects: true,
          project: ['tsconfig.json', 'backend/tsconfig.json'],
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // The codebase's own conventions: `any` at SDK edges, `_unused` destructuring, empty catches that say why.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'require-yield': 'off',
      // Control characters in patterns are the point where they appear (file names, log-safe text).
      'no-control-regex': 'off',
      // Tests match rendered text with its exact spacing.
      'no-regex-spaces': 'off',
    },
  },
  // One block per layer: a later block's no-restricted-imports replaces an earlier one's.
  layer(['webview/**', 'shared/**'], [NO_VSCODE], [SDK]),
  layer(['extension/**'], [], [SDK]),
  layer(['backend/src/core/**', 'backend/src/protocol/**'], [NO_VSCODE], [HOSTS, SDK], ADAPTERS),
  layer(ADAPTERS, [NO_VSCODE], [HOSTS]),
  layer(['backend/src/server/**', 'backend/src/lambda/**', 'backend/infra/**'], [NO_VSCODE], [SDK]),
  {
    files: ['test/**', 'scripts/**', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
