import * as z from 'zod';
import { awsClientConfig, AwsRegion, defineTool, type ToolContext } from '../types';
import { renderArchitecture } from './architecture';
import { renderMermaid, type Inventory } from './mermaid';

export const diagramFromInventory = defineTool({
  name: 'diagram_from_inventory',
  description:
    'Draws the live architecture of a region (or one VPC) as a mermaid flowchart: VPCs, public and private subnets, EC2 ' +
    'instances, load balancers and their targets, RDS databases and Lambda functions, read from the account. The drawing ' +
    'is deterministic, so it matches the account. Put the returned `mermaid` text verbatim in a ```mermaid block. ' +
    'style "architecture" draws it as mermaid architecture-beta with AWS service icons (logos:aws-ec2, logos:aws-rds, …) ' +
    'instead of a flowchart.',
  inputSchema: z.object({
    region: AwsRegion.optional(),
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/)
      .optional()
      .describe('limit the drawing to one VPC'),
    style: z
      .enum(['flowchart', 'architecture'])
      .optional()
      .describe('flowchart (default), or architecture: architecture-beta with AWS service icons'),
  }),
  readOnly: true,
  iam: {
    actions: [
      'ec2:DescribeVpcs',
      'ec2:DescribeSubnets',
      'ec2:DescribeRouteTables',
      'ec2:DescribeInstances',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
      'rds:DescribeDBInstances',
      'lambda:ListFunctions',
    ],
  },
  async run({ region, vpcId, style }, context) {
    const inventory = await readInventory(context, region ?? context.region, vpcId);
    return {
      region: inventory.region,
      counts: {
        vpcs: inventory.vpcs.length,
        subnets: inventory.subnets.length,
        instances: inventory.instances.length,
        loadBalancers: inventory.loadBalancers.length,
        databases: inventory.databases.length,
        functions: inventory.functions.length,
      },
      mermaid: style === 'architecture' ? renderArchitecture(inventory) : renderMermaid(inventory),
    };
  },
});

const nameTag = (tags?: { Key?: string; Value?: string }[]) => tags?.find((t) => t.Key === 'Name')?.Value;

async function readInventory(context: ToolContext, region: string, vpcId?: string): Promise<Inventory> {
  const [ec2Sdk, elbSdk, rdsSdk, lambdaSdk] = await Promise.all([
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-elastic-load-balancing-v2'),
    import('@aws-sdk/client-rds'),
    import('@aws-sdk/client-lambda'),
  ]);
  const config = awsClientConfig(context, region);
  const ec2 = new ec2Sdk.EC2Client(config);
  const elb = new elbSdk.ElasticLoadBalancingV2Client(config);
  const rds = new rdsSdk.RDSClient(config);
  const lambda = new lambdaSdk.LambdaClient(config);
  const opts = { abortSignal: context.signal };
  const vpcFilter = vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : undefined;
  try {
    const [vpcs, subnets, routes, reservations, lbs, dbs, fns] = await Promise.all([
      ec2.send(new ec2Sdk.DescribeVpcsCommand({ ...(vpcId ? { VpcIds: [vpcId] } : {}) }), opts),
      ec2.send(new ec2Sdk.DescribeSubnetsCommand({ Filters: vpcFilter }), opts),
      ec2.send(new ec2Sdk.DescribeRouteTablesCommand({ Filters: vpcFilter }), opts),
      ec2.send(new ec2Sdk.DescribeInstancesCommand({ Filters: vpcFilter, MaxResults: 1000 }), opts),
      elb.send(new elbSdk.DescribeLoadBalancersCommand({}), opts),
      rds.send(new rdsSdk.DescribeDBInstancesCommand({}), opts),
      lambda.send(new lambdaSdk.ListFunctionsCommand({}), opts),
    ]);
    const publicSubnets = publicSubnetIds(routes.RouteTables ?? []);
    const loadBalancers = (lbs.LoadBalancers ?? []).filter((lb) => !vpcId || lb.VpcId === vpcId).slice(0, 20);
    const targets = await Promise.all(
      loadBalancers.map(async (lb) => {
        const groups = await elb.send(
          new elbSdk.DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }),
          opts,
        );
        const health = await Promise.all(
          (groups.TargetGroups ?? [])
            .slice(0, 5)
            .map((g) =>
              elb.send(new elbSdk.DescribeTargetHealthCommand({ TargetGroupArn: g.TargetGroupArn }), opts),
            ),
        );
        return health
          .flatMap((h) => (h.TargetHealthDescriptions ?? []).map((d) => d.Target?.Id ?? ''))
          .filter(Boolean);
      }),
    );
    return {
      region,
      vpcs: (vpcs.Vpcs ?? []).map((v) => ({ id: v.VpcId!, name: nameTag(v.Tags), cidr: v.CidrBlock })),
      subnets: (subnets.Subnets ?? []).map((s) => ({
        id: s.SubnetId!,
        vpcId: s.VpcId!,
        name: nameTag(s.Tags),
        cidr: s.CidrBlock,
        az: s.AvailabilityZone,
        public:
          publicSubnets.explicit.has(s.SubnetId!) ||
          (!publicSubnets.associated.has(s.SubnetId!) && publicSubnets.mainPublic.has(s.VpcId!)),
      })),
      instances: (reservations.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .filter((i) => i.State?.Name !== 'terminated')
        .map((i) => ({
          id: i.InstanceId!,
          subnetId: i.SubnetId,
          vpcId: i.VpcId,
          name: nameTag(i.Tags),
          type: i.InstanceType,
          state: i.State?.Name,
        })),
      loadBalancers: loadBalancers.map((lb, i) => ({
        arn: lb.LoadBalancerArn!,
        name: lb.LoadBalancerName!,
        type: lb.Type,
        scheme: lb.Scheme,
        vpcId: lb.VpcId,
        targets: targets[i]!,
      })),
      databases: (dbs.DBInstances ?? [])
        .filter((d) => !vpcId || d.DBSubnetGroup?.VpcId === vpcId)
        .map((d) => ({
          id: d.DBInstanceIdentifier!,
          engine: d.Engine,
          vpcId: d.DBSubnetGroup?.VpcId,
          subnetIds: (d.DBSubnetGroup?.Subnets ?? []).map((s) => s.SubnetIdentifier!),
          multiAz: d.MultiAZ,
        })),
      functions: (fns.Functions ?? [])
        .filter((f) => !vpcId || f.VpcConfig?.VpcId === vpcId)
        .map((f) => ({
          name: f.FunctionName!,
          runtime: f.Runtime,
          vpcId: f.VpcConfig?.VpcId || undefined,
          subnetIds: [...(f.VpcConfig?.SubnetIds ?? [])].sort(),
        })),
    };
  } finally {
    for (const client of [ec2, elb, rds, lambda]) client.destroy();
  }
}

/** A subnet is public when its route table (its own, or its VPC's main one) routes 0.0.0.0/0 to an internet gateway. */
function publicSubnetIds(
  tables: {
    VpcId?: string;
    Routes?: { DestinationCidrBlock?: string; GatewayId?: string }[];
    Associations?: { SubnetId?: string; Main?: boolean }[];
  }[],
) {
  const explicit = new Set<string>();
  const associated = new Set<string>();
  const mainPublic = new Set<string>();
  for (const table of tables) {
    const toInternet = (table.Routes ?? []).some(
      (r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.GatewayId?.startsWith('igw-'),
    );
    for (const a of table.Associations ?? []) {
      if (a.SubnetId) {
        associated.add(a.SubnetId);
        if (toInternet) explicit.add(a.SubnetId);
      }
      if (a.Main && toInternet && table.VpcId) mainPublic.add(table.VpcId);
    }
  }
  return { explicit, associated, mainPublic };
}
