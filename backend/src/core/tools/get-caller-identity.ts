import * as z from 'zod';
import { awsClientConfig, defineTool } from './types';

export const getCallerIdentity = defineTool({
  name: 'get_caller_identity',
  description:
    'Returns the AWS account id, user id and ARN of the credentials the agent uses (STS GetCallerIdentity). ' +
    'Call it to learn which account and principal the other tools will act as.',
  inputSchema: z.object({}),
  readOnly: true,
  iam: { actions: ['sts:GetCallerIdentity'] },
  async run(_input, context) {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = new STSClient(awsClientConfig(context));
    try {
      const out = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: context.signal });
      return { account: out.Account, userId: out.UserId, arn: out.Arn };
    } finally {
      sts.destroy();
    }
  },
});
