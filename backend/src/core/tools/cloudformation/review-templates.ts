/**
 * The two templates a stack change is reviewed by, fetched when its approval is asked for: the
 * deployed one (GetTemplate, Original stage; '' for a new stack) and the proposed one (a plan's
 * input, or a change set's own template). Read-only; a template past the size bound is left out
 * and the card says so, never showing half a template.
 */
import type { ApprovalDetails } from '../../../protocol';
import { templateAsYaml } from './template-yaml';
import type { ToolContext } from '../types';
import { cloudFormation } from './client';

/** Per side, in characters: a card and a diff stay readable, the stored turn stays bounded. */
export const MAX_TEMPLATE_CHARS = 200 * 1024;

type Client = Awaited<ReturnType<typeof cloudFormation>>;
type Template = NonNullable<ApprovalDetails['template']>;

/** The deployed template; '' when the stack does not exist yet (or is only under review). */
async function deployedTemplate({ sdk, client }: Client, stackName: string, signal: AbortSignal) {
  try {
    const out = await client.send(
      new sdk.GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }),
      { abortSignal: signal },
    );
    return out.TemplateBody ?? '';
  } catch (error) {
    if (/does not exist/.test(String((error as Error)?.message))) return '';
    throw error;
  }
}

/**
 * The templates of a stack change: `proposed` as given, or (undefined) the change set's. Problems
 * come back as a note beside whatever could be read.
 */
export async function reviewTemplates(
  input: { stackName: string; changeSetName?: string; proposed?: string; region?: string | undefined },
  context: ToolContext,
): Promise<Pick<ApprovalDetails, 'template' | 'note'>> {
  const cf = await cloudFormation(context, input.region);
  const notes: string[] = [];
  try {
    let proposed = input.proposed;
    if (proposed === undefined) {
      try {
        const out = await cf.client.send(
          new cf.sdk.GetTemplateCommand({
            StackName: input.stackName,
            ChangeSetName: input.changeSetName,
            TemplateStage: 'Original',
          }),
          { abortSignal: context.signal },
        );
        proposed = out.TemplateBody ?? '';
      } catch (error) {
        return { note: `The proposed template could not be read (${brief(error)}).` };
      }
    }
    let deployed: string | undefined;
    try {
      deployed = await deployedTemplate(cf, input.stackName, context.signal);
    } catch (error) {
      notes.push(`The deployed template could not be read (${brief(error)}), so there is no diff.`);
    }
    if (proposed.length > MAX_TEMPLATE_CHARS || (deployed?.length ?? 0) > MAX_TEMPLATE_CHARS)
      return {
        note: `The templates are larger than ${MAX_TEMPLATE_CHARS / 1024} KB: review them in the console.`,
      };
    const template: Template = {
      stackName: input.stackName,
      proposed: templateAsYaml(proposed),
      ...(deployed !== undefined ? { deployed: templateAsYaml(deployed) } : {}),
      ...(input.proposed !== undefined ? { fromInput: true } : {}),
    };
    return { template, ...(notes.length ? { note: notes.join(' ') } : {}) };
  } finally {
    cf.client.destroy();
  }
}

function brief(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).slice(0, 300);
}
