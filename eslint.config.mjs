// Lint: the layers of the house, enforced. Only extension/ imports `vscode`; the agent core never imports a host; only a
// provider's adapter imports its model SDK; and no import cycles anywhere.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const group = (globs, message) => ({ group: globs, message });

// Each model provider's SDK, by the adapter that alone may import it (Bedrock's runtime client also
// serves ApplyGuardrail, so the Bedrock guardrail imports it too, and both build their client in
// bedrock-http.ts).
const PROVIDER_SDKS = {
  'backend/src/core/model/adapters/bedrock.ts': ['@aws-sdk/client-bedrock-runtime'],
  'backend/src/core/model/adapters/anthropic.ts': ['@anthropic-ai/sdk', '@anthropic-ai/sdk/*'],
  'backend/src/core/model/adapters/openai.ts': ['openai', 'openai/*'],
  'backend/src/core/model/adapters/gemini.ts': ['@google/genai', '@google/genai/*'],
};
const BEDROCK_TOO = [
  'backend/src/core/guardrails/bedrock-guardrail.ts',
  'backend/src/core/model/bedrock-http.ts',
];
const ADAPTERS = Object.keys(PROVIDER_SDKS);
const sdkGroup = (globs) =>
  group(
    globs,
    "Only a provider's adapter (backend/src/core/model/adapters/<provider>.ts) imports its model SDK.",
  );
const SDK = sdkGroup(Object.values(PROVIDER_SDKS).flat());
/** Every SDK but the ones this adapter owns. */
const otherSdks = (file) =>
  sdkGroup(
    Object.entries(PROVIDER_SDKS)
      .filter(([adapter]) => adapter !== file)
      .flatMap(([, sdks]) => sdks),
  );
const NO_VSCODE = { name: 'vscode', message: 'Only extension/ imports vscode.' };
const HOSTS = group(['**/server/**', '**/lambda/**', '**/infra/**'], 'The agent core never imports a host.');
// The editor's two halves share code only through shared/ (neutral: no vscode, no DOM-only or Node-only APIs).
const NOT_EXTENSION = group(
  ['**/extension/**'],
  'webview/ and shared/ never import extension/: move what both use into shared/.',
);
const NOT_WEBVIEW = group(
  ['**/webview/**'],
  'extension/ and shared/ never import webview/: move what both use into shared/.',
);
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
  layer(['webview/**'], [NO_VSCODE], [SDK, NOT_EXTENSION]),
  layer(['shared/**'], [NO_VSCODE], [SDK, NOT_EXTENSION, NOT_WEBVIEW]),
  layer(['extension/**'], [], [SDK, NOT_WEBVIEW]),
  layer(
    ['backend/src/core/**', 'backend/src/protocol/**'],
    [NO_VSCODE],
    [HOSTS, SDK],
    [...ADAPTERS, ...BEDROCK_TOO],
  ),
  ...ADAPTERS.map((adapter) => layer([adapter], [NO_VSCODE], [HOSTS, otherSdks(adapter)])),
  layer(BEDROCK_TOO, [NO_VSCODE], [HOSTS, otherSdks('backend/src/core/model/adapters/bedrock.ts')]),
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
