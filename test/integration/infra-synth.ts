/**
 * Synthesizes the CDK app's stack once per shape for every infra test file in the run (memoized),
 * offline: asset staging is off (the Lambda bundle and the Docker context are only referenced),
 * so neither a build nor Docker is needed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { readInfraConfig } from '../../backend/infra/lib/config';
import { stackNameOf, type Shape } from '../../backend/infra/lib/outputs';
import { deploymentInputs } from '../../backend/infra/lib/paths';
import { BackendStack } from '../../backend/infra/lib/stack';

export interface Synthesized {
  stack: BackendStack;
  template: Template;
  json: {
    Resources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string }>;
    Outputs: any;
  };
  assembly: CloudAssembly;
}

const cache = new Map<string, Synthesized>();
const scratch: string[] = [];
process.once('exit', () => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A stand-in for backend/dist/lambda, so the suite does not depend on a build having run. */
function lambdaStub(): string {
  const dir = tempDir('ce-infra-lambda-');
  writeFileSync(join(dir, 'index.js'), 'export const handler = async () => {};\n');
  return dir;
}

export function synth(shape: Shape, context: Record<string, string> = {}): Synthesized {
  const key = JSON.stringify([shape, context]);
  const hit = cache.get(key);
  if (hit) return hit;
  const app = new App({
    outdir: tempDir('ce-infra-out-'),
    context: { shape, ...context, 'aws:cdk:disable-asset-staging': true },
  });
  const config = readInfraConfig((name) => app.node.tryGetContext(name));
  const name = stackNameOf(shape);
  const stack = new BackendStack(app, name, {
    stackName: name,
    config,
    ...deploymentInputs(),
    lambdaCodeDir: lambdaStub(),
  });
  const assembly = app.synth();
  // From the assembly: Template.fromStack would synthesize the app a second time.
  const template = Template.fromJSON(assembly.getStackByName(name).template);
  const result = { stack, template, json: template.toJSON() as Synthesized['json'], assembly };
  cache.set(key, result);
  return result;
}

export function resourcesOf(s: Synthesized, type: string) {
  return Object.entries(s.json.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => ({ id, ...r }));
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Sid?: string;
}

/** Every statement of every identity policy in the template (inline, attached, overflow). */
export function identityStatements(s: Synthesized): { policy: string; statement: Statement }[] {
  const out: { policy: string; statement: Statement }[] = [];
  for (const [id, r] of Object.entries(s.json.Resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      for (const st of r.Properties.PolicyDocument.Statement) out.push({ policy: id, statement: st });
    if (r.Type === 'AWS::IAM::Role')
      for (const p of r.Properties.Policies ?? [])
        for (const st of p.PolicyDocument.Statement)
          out.push({ policy: `${id}/${p.PolicyName}`, statement: st });
  }
  return out;
}

export const actionsOf = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
export const resourcesOfStatement = (st: Statement) =>
  Array.isArray(st.Resource) ? st.Resource : [st.Resource];
