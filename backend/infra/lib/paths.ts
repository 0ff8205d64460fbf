/** Where the app finds what it deploys, relative to this repository. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function deploymentInputs(root = resolve(__dirname, '..', '..', '..')) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
  };
  return {
    extensionId: `${pkg.publisher}.${pkg.name}`,
    imageDir: join(root, 'backend'),
    lambdaCodeDir: join(root, 'backend', 'dist', 'lambda'),
  };
}
