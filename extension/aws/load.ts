/** Loads the AWS half (dist/aws.js in the package; the sources under tests). Once. */
type Aws = typeof import('./index');
let loaded: Promise<Aws> | undefined;

export function loadAws(): Promise<Aws> {
  // A plain require, so the CommonJS extension host loads it as CommonJS (esbuild keeps it external).
  return (loaded ??= Promise.resolve().then(() => require('./index') as Aws));
}
