/**
 * The read-only documents of a template diff: `cloudengineer-template:/<key>/<side>/<stack>.yaml`.
 * The key names one opened diff (its text lives in memory, never on disk); the stack name is only
 * for the tab title, reduced to characters safe in a path. No `vscode` here, so it is unit-tested.
 */
export const TEMPLATE_SCHEME = 'cloudengineer-template';
export type TemplateSide = 'deployed' | 'proposed';

const KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** The path of one side's document (the URI is `${TEMPLATE_SCHEME}:${path}`). */
export function templatePath(key: string, side: TemplateSide, stackName: string): string {
  if (!KEY.test(key)) throw new Error('invalid template document key');
  const name = stackName.replace(/^arn:.*:stack\//, '').replace(/\/.*$/, '');
  const safe = name.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 128) || 'stack';
  return `/${key}/${side}/${safe}.yaml`;
}

/** The key and side a document path names; undefined for anything this scheme never made. */
export function parseTemplatePath(path: string): { key: string; side: TemplateSide } | undefined {
  const m = /^\/([^/]+)\/(deployed|proposed)\/[A-Za-z0-9-]{1,128}\.yaml$/.exec(path);
  if (!m || !KEY.test(m[1]!)) return undefined;
  return { key: m[1]!, side: m[2] as TemplateSide };
}

/** The diff editor's title. */
export function diffTitle(stackName: string, isNew: boolean): string {
  return `${stackName}: ${isNew ? 'new stack' : 'deployed'} ↔ proposed`;
}
