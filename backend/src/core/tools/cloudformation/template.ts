import * as z from 'zod';
import { AwsRegion, defineTool, ToolError } from '../types';
import { cloudFormation, StackName } from './client';

export const cloudformationGetTemplate = defineTool({
  name: 'cloudformation_get_template',
  description:
    'Returns the template of a deployed CloudFormation stack (the processed template when transforms were used).',
  inputSchema: z.object({
    stackName: z.string().regex(StackName.pattern, StackName.message),
    region: AwsRegion.optional(),
  }),
  readOnly: true,
  iam: { actions: ['cloudformation:GetTemplate'] },
  async run({ stackName, region }, context) {
    const { sdk, client } = await cloudFormation(context, region);
    try {
      const out = await client.send(
        new sdk.GetTemplateCommand({ StackName: stackName, TemplateStage: 'Processed' }),
        { abortSignal: context.signal },
      );
      return { stackName, template: out.TemplateBody };
    } finally {
      client.destroy();
    }
  },
});

export const cloudformationValidateTemplate = defineTool({
  name: 'cloudformation_validate_template',
  description:
    'Validates a CloudFormation template (JSON or YAML) with CloudFormation itself and summarizes it: parameters, ' +
    'required capabilities and resource types. Use before proposing a stack change.',
  inputSchema: z.object({ templateBody: z.string().min(1).max(51_200), region: AwsRegion.optional() }),
  readOnly: true,
  iam: { actions: ['cloudformation:ValidateTemplate', 'cloudformation:GetTemplateSummary'] },
  async run({ templateBody, region }, context) {
    const { sdk, client } = await cloudFormation(context, region);
    try {
      const valid = await client.send(new sdk.ValidateTemplateCommand({ TemplateBody: templateBody }), {
        abortSignal: context.signal,
      });
      const summary = await client.send(new sdk.GetTemplateSummaryCommand({ TemplateBody: templateBody }), {
        abortSignal: context.signal,
      });
      return {
        valid: true,
        description: valid.Description,
        parameters: valid.Parameters?.map((p) => ({
          name: p.ParameterKey,
          default: p.DefaultValue,
          noEcho: p.NoEcho,
        })),
        capabilities: valid.Capabilities,
        capabilitiesReason: valid.CapabilitiesReason,
        resourceTypes: summary.ResourceTypes,
      };
    } catch (error) {
      if ((error as { name?: string }).name === 'ValidationError')
        throw new ToolError(`The template is not valid: ${(error as Error).message}`);
      throw error;
    } finally {
      client.destroy();
    }
  },
});
