/**
 * The stack outputs the extension's "Connect to Deployment…" command reads from the file that
 * `npm run deploy` writes (`backend/infra/cdk-outputs.json`: `{ "<stack name>": { <key>: value } }`).
 * Renaming a key breaks every outputs file already handed to users.
 */
export const DEPLOYMENT_OUTPUTS = {
  /** The extension's `cloudEngineer.backend.mode`: `agentcore` or `http` (the Lambda shape). */
  mode: 'Mode',
  /** `http` mode: the Function URL (`cloudEngineer.backend.url`). */
  url: 'BackendUrl',
  /** `agentcore` mode: the runtime's ARN (`cloudEngineer.agentcore.runtimeArn`). */
  runtimeArn: 'RuntimeArn',
  region: 'Region',
  userPoolId: 'UserPoolId',
  clientId: 'UserPoolClientId',
  /** The hosted UI's host name, without `https://` (`cloudEngineer.cognito.domain`). */
  domain: 'CognitoDomain',
  /**
   * Present when exactly one company identity provider is configured: the name the extension
   * passes as `identity_provider` on the hosted UI's authorize URL, to go straight to it.
   */
  identityProvider: 'IdentityProviderName',
} as const;

/** The deployment shapes, chosen at deploy time with `-c shape=…`. */
export const SHAPES = ['agentcore', 'lambda'] as const;
export type Shape = (typeof SHAPES)[number];

/** The extension's connection mode for each shape. */
export const MODE_OF_SHAPE: Record<Shape, 'agentcore' | 'http'> = { agentcore: 'agentcore', lambda: 'http' };

/** One stack per shape, so both can live in one account side by side. */
export const stackNameOf = (shape: Shape) =>
  shape === 'agentcore' ? 'CloudEngineerAgentCore' : 'CloudEngineerLambda';
