/**
 * A CloudFormation template as YAML for reading: a JSON template is converted (keys in their
 * order, long strings unfolded), a YAML one is shown as written (its short-form tags such as
 * `!Ref` are kept, never reinterpreted). Done here, before the approval leaves the backend, so the
 * card and the diff editor show text as it is and the webview carries no YAML library.
 */
import { stringify } from 'yaml';

export function templateAsYaml(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return text; // not JSON after all: shown as it came
  }
  return stringify(parsed, { lineWidth: 0, aliasDuplicateObjects: false });
}
