/**
 * A wire-level stand-in for the AWS APIs the tools call, reached through the SDK's standard
 * `AWS_ENDPOINT_URL`: the query protocol (STS GetCallerIdentity, the CloudFormation calls of the
 * stack tools) and the JSON protocol of CloudWatch Logs Insights (`X-Amz-Target`). Records every
 * call, so tests can prove what ran and what never did.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_IDENTITY = {
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/alice',
  userId: 'AIDAEXAMPLEUSERID',
};

export interface FakeStack {
  name: string;
  status: string;
  description?: string;
  /** The stack's own tags, as DescribeStacks lists them. */
  tags?: { key: string; value: string }[];
}

export class AwsFake {
  readonly calls: { action: string; params: Record<string, any> }[] = [];
  /** Stacks DescribeStacks knows; a missing name answers "does not exist". */
  stacks = new Map<string, FakeStack>();
  /** Deployed templates by stack name (GetTemplate); change sets keep theirs under `stack/changeSet`. */
  templates = new Map<string, string>();
  /** What EC2 DescribeRegions answers: the regions enabled in the fake account. */
  enabledRegions = ['eu-central-1', 'eu-west-1', 'us-east-1'];
  /** Secrets Manager: what GetSecretValue answers, by secret id (a missing id is ResourceNotFound). */
  secrets = new Map<string, string>();
  /** Rows every Logs Insights query returns (field name to value), after one `Running` poll. */
  logRows: Record<string, string>[] = [];
  private server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const action = target.split('.').pop()!;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      this.calls.push({ action, params: body });
      const reply = this.answerJson(action, body);
      if (reply instanceof JsonError) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        return res.end(JSON.stringify({ __type: reply.type, message: reply.message }));
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(JSON.stringify(reply));
    }
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const action = params.Action ?? '';
    this.calls.push({ action, params });
    const reply = this.answer(action, params);
    res.writeHead(reply.status, { 'content-type': 'text/xml' });
    res.end(reply.body);
  });

  calledWith(action: string): Record<string, any>[] {
    return this.calls.filter((c) => c.action === action).map((c) => c.params);
  }

  reset(): void {
    this.calls.length = 0;
    this.stacks.clear();
    this.templates.clear();
    this.logRows = [];
    this.secrets.clear();
  }

  private answer(action: string, p: Record<string, string>): { status: number; body: string } {
    const ok = (inner = '') => ({
      status: 200,
      body: `<${action}Response xmlns="https://example.invalid/doc/"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>r-${this.calls.length}</RequestId></ResponseMetadata></${action}Response>`,
    });
    switch (action) {
      case 'AssumeRole': {
        // Credentials that name the call, so a test can tell whose session a tool ran in.
        const n = this.calls.length;
        const expiration = new Date(Date.now() + Number(p.DurationSeconds ?? 3600) * 1000).toISOString();
        return ok(
          `<Credentials><AccessKeyId>ASIAFAKE${n}</AccessKeyId><SecretAccessKey>secret-${n}</SecretAccessKey>` +
            `<SessionToken>token-${n}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
            `<AssumedRoleUser><AssumedRoleId>AROAFAKE:${xml(p.RoleSessionName ?? '')}</AssumedRoleId>` +
            `<Arn>${xml(p.RoleArn ?? '')}/${xml(p.RoleSessionName ?? '')}</Arn></AssumedRoleUser>` +
            (p.SourceIdentity ? `<SourceIdentity>${xml(p.SourceIdentity)}</SourceIdentity>` : ''),
        );
      }
      case 'GetCallerIdentity':
        return ok(
          `<Arn>${FAKE_IDENTITY.arn}</Arn><UserId>${FAKE_IDENTITY.userId}</UserId><Account>${FAKE_IDENTITY.account}</Account>`,
        );
      case 'DescribeStacks': {
        const stack = this.stacks.get(p.StackName ?? '');
        if (!stack) return error('ValidationError', `Stack with id ${p.StackName} does not exist`);
        return ok(
          `<Stacks><member><StackName>${stack.name}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${stack.name}/1</StackId>` +
            `<StackStatus>${stack.status}</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime>` +
            (stack.description ? `<Description>${xml(stack.description)}</Description>` : '') +
            (stack.tags
              ? `<Tags>${stack.tags.map((t) => `<member><Key>${xml(t.key)}</Key><Value>${xml(t.value)}</Value></member>`).join('')}</Tags>`
              : '') +
            `</member></Stacks>`,
        );
      }
      case 'DescribeRegions':
        // EC2's query protocol answers without the `<Action>Result` wrapper.
        return {
          status: 200,
          body:
            `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo>` +
            this.enabledRegions
              .map(
                (r) =>
                  `<item><regionName>${r}</regionName><optInStatus>opt-in-not-required</optInStatus></item>`,
              )
              .join('') +
            `</regionInfo></DescribeRegionsResponse>`,
        };
      case 'DeleteStack':
        this.stacks.delete(p.StackName ?? '');
        return ok();
      case 'CreateChangeSet':
        this.templates.set(`${p.StackName}/${p.ChangeSetName}`, p.TemplateBody ?? '');
        return ok(
          `<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/${p.ChangeSetName}/1</Id><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${p.StackName}/1</StackId>`,
        );
      case 'DescribeChangeSet':
        return ok(
          `<ChangeSetName>${p.ChangeSetName}</ChangeSetName><StackName>${p.StackName}</StackName><Status>CREATE_COMPLETE</Status>` +
            `<Changes><member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>Bucket</LogicalResourceId>` +
            `<ResourceType>AWS::S3::Bucket</ResourceType></ResourceChange></member></Changes>`,
        );
      case 'ExecuteChangeSet':
        return ok();
      case 'GetTemplate': {
        const key = p.ChangeSetName ? `${p.StackName}/${p.ChangeSetName}` : (p.StackName ?? '');
        const body = this.templates.get(key);
        if (body === undefined)
          return error('ValidationError', `Stack with id ${p.StackName} does not exist`);
        return ok(
          `<TemplateBody>${xml(body)}</TemplateBody><StagesAvailable><member>Original</member></StagesAvailable>`,
        );
      }
      default:
        return error('InvalidAction', `the fake does not know ${action}`);
    }
  }

  private polls = 0;

  private answerJson(action: string, body: Record<string, any>): unknown {
    switch (action) {
      case 'GetSecretValue': {
        const value = this.secrets.get(body.SecretId);
        if (value === undefined)
          return new JsonError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret.",
          );
        return {
          ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${body.SecretId}`,
          Name: body.SecretId,
          SecretString: value,
        };
      }
      case 'StartQuery':
        this.polls = 0;
        return { queryId: `q-${this.calls.length}` };
      case 'GetQueryResults':
        if (this.polls++ === 0) return { status: 'Running', results: [] };
        return {
          status: 'Complete',
          results: this.logRows.map((row) => Object.entries(row).map(([field, value]) => ({ field, value }))),
          statistics: { recordsMatched: this.logRows.length, recordsScanned: 1000, bytesScanned: 1e5 },
        };
      case 'StopQuery':
        return { success: true };
      default:
        return {};
    }
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

class JsonError {
  constructor(
    readonly type: string,
    readonly message: string,
  ) {}
}

function error(code: string, message: string) {
  return {
    status: 400,
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
  };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
