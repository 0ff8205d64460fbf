import assert from 'node:assert/strict';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCredentialReportCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { awsRead } from '../../../../backend/src/core/tools/aws-read/tool';
import type { ToolContext } from '../../../../backend/src/core/tools/types';

const context: ToolContext = {
  actorId: 'a',
  region: 'eu-west-1',
  signal: new AbortController().signal,
  credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'x' }),
};
const run = (input: unknown) => awsRead.run(awsRead.inputSchema.parse(input), context) as Promise<any>;

describe('aws_read', () => {
  const ec2 = mockClient(EC2Client);
  const iam = mockClient(IAMClient);
  const lambda = mockClient(LambdaClient);
  afterEach(() => {
    ec2.reset();
    iam.reset();
    lambda.reset();
  });

  it('refuses operations off the allowlist, with the allowed ones named', async () => {
    for (const [service, operation] of [
      ['ec2', 'TerminateInstances'],
      ['s3', 'GetObject'],
      ['dynamodb', 'Scan'],
      ['iam', 'CreateAccessKey'],
      ['lambda', 'GetFunction'],
    ]) {
      await assert.rejects(run({ service, operation }), (e: Error) => {
        assert.equal(e.name, 'ToolError');
        assert.match(
          e.message,
          new RegExp(`^${service}:${operation} is not an allowed read operation\\. Allowed for ${service}: `),
        );
        return true;
      });
    }
    assert.throws(() =>
      awsRead.inputSchema.parse({ service: 'secretsmanager', operation: 'GetSecretValue' }),
    );
    assert.equal(ec2.calls().length, 0);
  });

  it('refuses params that are not operation members', async () => {
    await assert.rejects(
      run({ service: 'ec2', operation: 'DescribeInstances', params: { instanceIds: ['i-1'] } }),
      /params key "instanceIds"/,
    );
  });

  it('pages list operations up to the cap and says that more exist', async () => {
    let page = 0;
    ec2.on(DescribeInstancesCommand).callsFake(() => {
      page++;
      return {
        Reservations: [{ ReservationId: `r-${page}`, Instances: [{ InstanceId: `i-${page}` }] }],
        NextToken: page < 10 ? `t${page}` : undefined,
      };
    });
    const out = await run({
      service: 'ec2',
      operation: 'DescribeInstances',
      params: { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] },
      maxPages: 2,
    });
    assert.equal(ec2.commandCalls(DescribeInstancesCommand).length, 2, 'stopped fetching at the cap');
    assert.deepEqual(
      out.result.Reservations.map((r: any) => r.ReservationId),
      ['r-1', 'r-2'],
    );
    assert.equal(out.result.NextToken, undefined, 'page tokens are dropped once pages are merged');
    assert.match(out.note, /Stopped after 2 page\(s\); more results exist/);
    assert.deepEqual(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters, [
      { Name: 'instance-state-name', Values: ['running'] },
    ]);
  });

  it('resolves the region from the input, then the configuration; global services use their own', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    assert.equal(
      (await run({ service: 'ec2', operation: 'DescribeInstances', region: 'ap-southeast-2' })).region,
      'ap-southeast-2',
    );
    assert.equal((await run({ service: 'ec2', operation: 'describeInstances' })).region, 'eu-west-1');
    iam.on(ListUsersCommand).resolves({ Users: [] });
    assert.equal(
      (await run({ service: 'iam', operation: 'ListUsers', region: 'eu-west-1' })).region,
      'us-east-1',
    );
    assert.throws(() =>
      awsRead.inputSchema.parse({ service: 'ec2', operation: 'DescribeInstances', region: 'mars-1' }),
    );
  });

  it('hides Lambda environment values and decodes the credential report', async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolves({ FunctionName: 'f', Environment: { Variables: { DB_PASSWORD: 'hunter2', STAGE: 'prod' } } });
    const fn = await run({
      service: 'lambda',
      operation: 'GetFunctionConfiguration',
      params: { FunctionName: 'f' },
    });
    assert.deepEqual(Object.keys(fn.result.Environment.Variables), ['DB_PASSWORD', 'STAGE']);
    assert.ok(!JSON.stringify(fn).includes('hunter2'));
    iam.on(GetCredentialReportCommand).resolves({
      Content: new TextEncoder().encode('user,arn,mfa_active\nalice,arn:aws:iam::1:user/alice,false'),
      ReportFormat: 'text/csv',
    });
    const report = await run({ service: 'iam', operation: 'GetCredentialReport' });
    assert.equal(report.result.Content, 'user,arn,mfa_active\nalice,arn:aws:iam::1:user/alice,false');
  });

  it('lets AWS errors through for the runner to report to the model', async () => {
    ec2.on(DescribeInstancesCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
      }),
    );
    await assert.rejects(run({ service: 'ec2', operation: 'DescribeInstances' }), {
      name: 'UnauthorizedOperation',
    });
  });
});
