// Builds every bundle in one run: the extension (Node, CommonJS, `vscode` external) and its AWS
// half (loaded on first use), the chat webview (browser) and its on-demand mermaid renderer, and
// the backend's server and Lambda entry points.
//   node esbuild.mjs [--production] [--watch] [--only extension,aws,webview,mermaid,server,lambda]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.split('=')[1] ?? args[args.indexOf(onlyArg) + 1]).split(',') : undefined;

/** The extension runs in the Node that VS Code ships (Node 20 in VS Code 1.90, the oldest we support). */
const node = {
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
};

/** Bundled CommonJS dependencies still call `require` for Node built-ins; ESM has none of its own. */
const backendEsm = {
  ...node,
  target: 'node22', // the container image and the Lambda runtime
  // Stack traces need the mappings only; without the sources' text the maps are a third the size,
  // and `node --enable-source-maps` (the container's command) reads every loaded chunk's map at start.
  sourcesContent: false,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
};

/** In the extension bundle, `./index` of extension/aws stays a runtime require of dist/aws.js. */
const awsHalfAtRuntime = {
  name: 'aws-half-at-runtime',
  setup(build) {
    build.onResolve({ filter: /^\.\/index$/ }, (args) =>
      args.importer.endsWith(join('extension', 'aws', 'load.ts'))
        ? { path: './aws.js', external: true }
        : undefined,
    );
  },
};

/**
 * The logos icon set holds ~2000 icons; architecture diagrams use its AWS ones only
 * (webview/diagram-icons.ts), so the mermaid bundle takes just those.
 */
const awsIconsOnly = {
  name: 'aws-icons-only',
  setup(build) {
    build.onLoad({ filter: /@iconify-json[\\/]logos[\\/]icons\.json$/ }, async (args) => {
      const set = JSON.parse(await readFile(args.path, 'utf8'));
      const aws = (name) => name === 'aws' || name.startsWith('aws-');
      set.icons = Object.fromEntries(Object.entries(set.icons).filter(([name]) => aws(name)));
      set.aliases = Object.fromEntries(
        Object.entries(set.aliases ?? {}).filter(([name, a]) => aws(name) && a.parent in set.icons),
      );
      return { contents: JSON.stringify(set), loader: 'json' };
    });
  },
};

/** @type {Record<string, import('esbuild').BuildOptions>} */
const targets = {
  extension: {
    ...node,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    metafile: true,
    plugins: [awsHalfAtRuntime],
  },
  // The agent core and the AWS SDK, required by the extension on first use (extension/aws/load.ts).
  aws: {
    ...node,
    entryPoints: ['extension/aws/index.ts'],
    outfile: 'dist/aws.js',
    // ES module builds first, as for the backend: a CommonJS dependency that requires zod would
    // otherwise defer zod's initialization past the schemas our modules build at load.
    mainFields: ['module', 'main'],
    minify: production,
    metafile: true,
  },
  webview: {
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
    minify: production,
    metafile: true,
  },
  mermaid: {
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    bundle: true,
    logLevel: 'warning',
    entryPoints: ['webview/mermaid-entry.ts'],
    outfile: 'dist/webview/mermaid.js',
    minify: true, // large, and only loaded when a diagram appears
    metafile: true,
    plugins: [awsIconsOnly],
  },
  // The backend's hosts as ES modules with code splitting: each AWS SDK client the source loads
  // with `import()` becomes its own chunk, read on first use, so start-up compiles only what
  // serving a request needs (cold starts on AgentCore and Lambda).
  server: {
    ...backendEsm,
    entryPoints: { server: 'backend/src/server/main.ts' },
    outdir: 'backend/dist',
    minify: production,
    metafile: true,
  },
  lambda: {
    ...backendEsm,
    entryPoints: { index: 'backend/src/lambda/handler.ts' },
    outdir: 'backend/dist/lambda',
    minify: production,
    metafile: true,
  },
};

const selected = Object.entries(targets).filter(
  ([name, options]) =>
    (!only || only.includes(name)) && Object.values(options.entryPoints).every((entry) => existsSync(entry)),
);

/** Metafiles go next to each bundle's folder, for `esbuild --analyze`-style size checks. */
const writeMeta = (name) => ({
  name: 'metafile',
  setup(build) {
    build.onEnd((result) => {
      if (!result.metafile) return;
      const file = `dist/meta/${name}.json`;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(result.metafile));
    });
  },
});

// The backend bundles are ES modules: their folders say so to Node (and to Lambda's runtime).
for (const [name, dir] of [
  ['server', 'backend/dist'],
  ['lambda', 'backend/dist/lambda'],
]) {
  if (only && !only.includes(name)) continue;
  // Chunk names carry content hashes: clear the old ones so the image and the Lambda zip hold only these.
  if (!watch) rmSync(join(dir, 'chunks'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
}

// The chat view's codicons come from the package, next to the webview bundle.
if (!only || only.includes('webview')) {
  mkdirSync('dist/webview/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf'])
    copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/codicons/${file}`);
}

const contexts = await Promise.all(
  selected.map(([name, options]) =>
    esbuild.context({ ...options, plugins: [...(options.plugins ?? []), writeMeta(name)] }),
  ),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${selected.map(([n]) => n).join(', ')}`);
} else {
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
  console.log(`built ${selected.map(([n]) => n).join(', ')}${production ? ' (production)' : ''}`);
}
