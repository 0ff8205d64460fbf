/**
 * The ARNs a Bedrock invoke policy must name for one model id. A cross-region inference profile
 * (`us.anthropic…`) needs the profile itself in the stack's region and the foundation model in
 * every region the profile routes to; a plain model id needs the model in the stack's region.
 */
import { Aws } from 'aws-cdk-lib';

/** Where each geography's system-defined profiles route (a superset is harmless: same model). */
export const PROFILE_REGIONS: Record<string, readonly string[]> = {
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  ca: ['ca-central-1', 'ca-west-1'],
  eu: [
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
  ],
  apac: [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
  ],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
};

export interface ModelArns {
  /** The inference profile, when the id is one. */
  profileArn?: string;
  /** The foundation model wherever the profile (or the plain id) may run it. */
  foundationModelArns: string[];
}

export class UnknownInferenceProfileError extends Error {
  override readonly name = 'UnknownInferenceProfileError';
}

export function modelArns(modelId: string, regionsOverride?: readonly string[]): ModelArns {
  const [prefix, ...rest] = modelId.split('.');
  // Foundation-model ids have one dot (`anthropic.claude-…`); profiles add a geography in front.
  const isProfile = rest.length > 1;
  const model = (region: string, id: string) =>
    `arn:${Aws.PARTITION}:bedrock:${region}::foundation-model/${id}`;
  if (!isProfile) return { foundationModelArns: [model(Aws.REGION, modelId)] };
  const baseModel = rest.join('.');
  const profileArn = `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:inference-profile/${modelId}`;
  if (prefix === 'global' && !regionsOverride)
    // Global profiles route to any commercial region; AWS documents the region-less model ARN.
    return { profileArn, foundationModelArns: [model(Aws.REGION, baseModel), model('', baseModel)] };
  const regions = regionsOverride ?? PROFILE_REGIONS[prefix!];
  if (!regions?.length)
    throw new UnknownInferenceProfileError(
      `no routing regions known for inference profile ${modelId}; pass -c modelRegions=r1,r2`,
    );
  return { profileArn, foundationModelArns: regions.map((r) => model(r, baseModel)) };
}
