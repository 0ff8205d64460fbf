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
    Resources: Record<
      string,
      { Type: string; Properties?: any; DeletionPolicy?: string; DependsOn?: string | string[] }
    >;
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

/** The environment the synthesized host (Lambda function or AgentCore runtime) starts with. */
export function hostEnv(s: Synthesized): Record<string, unknown> {
  const [fn] = resourcesOf(s, 'AWS::Lambda::Function');
  if (fn) return fn.Properties.Environment.Variables;
  return resourcesOf(s, 'AWS::BedrockAgentCore::Runtime')[0]!.Properties.EnvironmentVariables;
}

/** The logical id of the role the host runs as. */
export function hostRoleId(s: Synthesized): string {
  const [fn] = resourcesOf(s, 'AWS::Lambda::Function');
  const ref = fn
    ? fn.Properties.Role
    : resourcesOf(s, 'AWS::BedrockAgentCore::Runtime')[0]!.Properties.RoleArn;
  return ref['Fn::GetAtt'][0];
}

/** The logical id of the tools role (the one whose description says so). */
export function toolsRoleId(s: Synthesized): string {
  const roles = resourcesOf(s, 'AWS::IAM::Role').filter((r) =>
    /^Cloud Engineer tools/.test(r.Properties.Description),
  );
  if (roles.length !== 1) throw new Error(`expected one tools role, found ${roles.length}`);
  return roles[0]!.id;
}

/** Every identity-policy statement attached to one role (inline, or policies naming it). */
export function roleStatements(s: Synthesized, roleId: string): Statement[] {
  const out: Statement[] = [];
  for (const r of Object.values(s.json.Resources)) {
    if (
      (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
      (r.Properties.Roles ?? []).some((x: any) => x.Ref === roleId)
    )
      out.push(...r.Properties.PolicyDocument.Statement);
  }
  for (const p of s.json.Resources[roleId]!.Properties.Policies ?? [])
    out.push(...p.PolicyDocument.Statement);
  return out;
}

/** The first dependency cycle between resources (Ref, GetAtt, DependsOn), or undefined. */
export function dependencyCycle(s: Synthesized): string[] | undefined {
  const ids = new Set(Object.keys(s.json.Resources));
  const edges = new Map<string, Set<string>>();
  const collect = (node: unknown, into: Set<string>) => {
    if (Array.isArray(node)) node.forEach((n) => collect(n, into));
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === 'Ref' && typeof v === 'string' && ids.has(v)) into.add(v);
        else if (k === 'Fn::GetAtt' && Array.isArray(v) && ids.has(v[0])) into.add(v[0]);
        else if (k === 'Fn::Sub')
          for (const m of JSON.stringify(v).matchAll(/\$\{([A-Za-z0-9]+)/g))
            ids.has(m[1]!) && into.add(m[1]!);
        else collect(v, into);
      }
  };
  for (const [id, r] of Object.entries(s.json.Resources) as [string, any][]) {
    const deps = new Set<string>();
    collect(r.Properties, deps);
    for (const d of [r.DependsOn ?? []].flat()) deps.add(d);
    edges.set(id, deps);
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const d of edges.get(id) ?? []) {
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
