/**
 * A wire-level stand-in for the AWS APIs the tools call, reached through the SDK's standard
 * `AWS_ENDPOINT_URL`. Answers STS GetCallerIdentity (query protocol, XML) for a fixed identity.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_IDENTITY = {
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/alice',
  userId: 'AIDAEXAMPLEUSERID',
};

export class AwsFake {
  readonly calls: { action: string; authorization: string | undefined }[] = [];
  private server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    this.calls.push({ action, authorization: req.headers.authorization });
    if (action === 'GetCallerIdentity') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      return void res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
          `<Arn>${FAKE_IDENTITY.arn}</Arn><UserId>${FAKE_IDENTITY.userId}</UserId><Account>${FAKE_IDENTITY.account}</Account>` +
          `</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    }
    res.writeHead(400, { 'content-type': 'text/xml' });
    res.end(
      `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>fake does not know ${action}</Message></Error></ErrorResponse>`,
    );
  });

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
