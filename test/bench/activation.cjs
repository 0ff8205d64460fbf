// One measurement, in a fresh process: load the production extension bundle and run activate()
// against a stand-in `vscode` module (every property a no-op), or, with --eager, load the AWS SDK
// clients the agent defers. Prints milliseconds.
const Module = require('node:module');
const { join } = require('node:path');
const eager = process.argv.includes('--eager');
const root = join(__dirname, '..', '..');
// esbuild's module interop copies own property names, so the stand-in lists the API's namespaces.
const API = [
  'window',
  'workspace',
  'commands',
  'env',
  'authentication',
  'extensions',
  'Uri',
  'EventEmitter',
  'TreeItem',
  'ThemeIcon',
  'MarkdownString',
  'TreeItemCollapsibleState',
  'QuickPickItemKind',
  'ProgressLocation',
  'StatusBarAlignment',
  'ConfigurationTarget',
  'Disposable',
];
const target = function () {};
const stub = new Proxy(target, {
  get: (_t, key) => (key === 'then' ? undefined : stub),
  apply: () => stub,
  construct: () => stub,
  set: () => true,
  ownKeys: () => [...new Set([...Reflect.ownKeys(target), ...API])],
  getOwnPropertyDescriptor: (t, key) =>
    Reflect.getOwnPropertyDescriptor(t, key) ?? { value: stub, enumerable: true, configurable: true },
});
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
const t0 = performance.now();
if (eager) {
  for (const m of [
    '@aws-sdk/client-bedrock-runtime',
    '@aws-sdk/client-ec2',
    '@aws-sdk/client-cloudformation',
    '@aws-sdk/credential-providers',
    '@aws-sdk/client-cognito-identity-provider',
  ])
    require(join(root, 'node_modules', m));
} else {
  const extension = require(join(root, 'dist', 'extension.js'));
  extension.activate({
    subscriptions: [],
    globalStorageUri: { fsPath: '/tmp' },
    workspaceState: stub,
    globalState: stub,
    secrets: stub,
    extensionUri: stub,
    extension: stub,
  });
}
process.stdout.write(String(performance.now() - t0));
process.exit(0);
