import assert from 'node:assert/strict';
import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import logos from '@iconify-json/logos/icons.json';
import { SYSTEM_PROMPT } from '../../../../backend/src/core/prompts/system';
import { archLabel, renderArchitecture } from '../../../../backend/src/core/tools/diagram/architecture';
import { AWS_ICONS } from '../../../../backend/src/core/tools/diagram/aws-icons';
import { diagramFromInventory } from '../../../../backend/src/core/tools/diagram/tool';
import type { ToolContext } from '../../../../backend/src/core/tools/types';
import { renderMermaid, type Inventory } from '../../../../backend/src/core/tools/diagram/mermaid';

const inventory: Inventory = {
  region: 'us-east-1',
  vpcs: [{ id: 'vpc-2', name: 'main', cidr: '10.0.0.0/16' }],
  subnets: [
    {
      id: 'subnet-b',
      vpcId: 'vpc-2',
      name: 'private-a',
      cidr: '10.0.2.0/24',
      az: 'us-east-1a',
      public: false,
    },
    { id: 'subnet-a', vpcId: 'vpc-2', name: 'public-a', cidr: '10.0.1.0/24', az: 'us-east-1a', public: true },
  ],
  instances: [
    { id: 'i-2', subnetId: 'subnet-b', vpcId: 'vpc-2', name: 'app "2"', type: 't3.small', state: 'running' },
    { id: 'i-1', subnetId: 'subnet-b', vpcId: 'vpc-2', name: 'app-1', type: 't3.small', state: 'running' },
  ],
  loadBalancers: [
    {
      arn: 'arn:lb',
      name: 'web',
      type: 'application',
      scheme: 'internet-facing',
      vpcId: 'vpc-2',
      targets: ['i-2', 'i-1', 'i-missing'],
    },
  ],
  databases: [{ id: 'orders', engine: 'postgres', vpcId: 'vpc-2', subnetIds: ['subnet-b'], multiAz: true }],
  functions: [{ name: 'cron', runtime: 'nodejs20.x', subnetIds: [] }],
};

describe('renderMermaid', () => {
  it('draws the same diagram whatever order the inventory came in', () => {
    const shuffled: Inventory = {
      ...inventory,
      subnets: [...inventory.subnets].reverse(),
      instances: [...inventory.instances].reverse(),
    };
    assert.equal(renderMermaid(shuffled), renderMermaid(inventory));
  });

  it('nests subnets in VPCs, links load balancers to their targets, and escapes labels', () => {
    const out = renderMermaid(inventory);
    assert.equal(out.split('\n')[0], 'flowchart TB');
    assert.ok(out.indexOf('public public-a') < out.indexOf('private private-a'), 'subnets sorted by id');
    assert.match(out, /n_i_2\["EC2 app #quot;2#quot;<br\/>t3\.small running"\]/);
    assert.match(out, /n_db_orders\[\("RDS orders<br\/>postgres Multi-AZ"\)\]/);
    assert.match(out, /n_internet --> n_lb_web/);
    assert.match(out, /n_lb_web --> n_i_1\n {2}n_lb_web --> n_i_2$/);
    assert.doesNotMatch(out, /i_missing/, 'no edge to a target that is not drawn');
    assert.match(out, /n_fn_cron\("λ cron<br\/>nodejs20\.x"\)/);
  });
});

/** The same account, one instance tagged to break out of its label. */
const hostile: Inventory = {
  ...inventory,
  instances: [
    { id: 'i-2', subnetId: 'subnet-b', vpcId: 'vpc-2', name: 'app] in x\nservice evil(', type: 't3.small' },
    { id: 'i-1', subnetId: 'subnet-b', vpcId: 'vpc-2', name: 'app-1', type: 't3.small' },
  ],
};

describe('renderArchitecture (architecture-beta with AWS icons)', () => {
  it('draws the same text whatever order the inventory came in', () => {
    const shuffled: Inventory = {
      ...hostile,
      subnets: [...hostile.subnets].reverse(),
      instances: [...hostile.instances].reverse(),
    };
    assert.equal(renderArchitecture(shuffled), renderArchitecture(hostile));
  });

  it('groups subnets in VPCs with AWS icons and links load balancers to their targets', () => {
    const out = renderArchitecture(hostile);
    const lines = out.split('\n');
    assert.equal(lines[0], 'architecture-beta');
    assert.ok(lines.includes('  group n_vpc_2(logos:aws-vpc)[VPC main 10.0.0.0/16]'));
    assert.ok(lines.includes('  group n_subnet_a(cloud)[public public-a 10.0.1.0/24 us-east-1a] in n_vpc_2'));
    assert.ok(lines.includes('  service n_i_1(logos:aws-ec2)[EC2 app-1 t3.small] in n_subnet_b'));
    assert.ok(
      lines.includes('  service n_db_orders(logos:aws-rds)[RDS orders postgres Multi-AZ] in n_vpc_2'),
    );
    assert.ok(lines.includes('  service n_lb_web(logos:aws-elb)[ALB web internet-facing] in n_vpc_2'));
    assert.ok(lines.includes('  service n_fn_cron(logos:aws-lambda)[cron nodejs20.x]'));
    assert.ok(lines.includes('  n_internet:R --> L:n_lb_web'));
    assert.ok(lines.includes('  n_lb_web:R --> L:n_i_1') && lines.includes('  n_lb_web:R --> L:n_i_2'));
    assert.doesNotMatch(out, /i_missing/, 'no edge to a target that is not drawn');
    // An empty subnet still shows (a group is drawn around its members).
    assert.ok(lines.includes('  service n_subnet_a_empty(cloud)[empty] in n_subnet_a'));
  });

  it('keeps hostile tag values inside their label', () => {
    const out = renderArchitecture(hostile);
    const line = out.split('\n').find((l) => l.includes('n_i_2('))!;
    assert.equal(line, '  service n_i_2(logos:aws-ec2)[EC2 app in x service evil t3.small] in n_subnet_b');
    assert.ok(!out.split('\n').some((l) => l.trim().startsWith('service evil')));
    assert.equal(archLabel('[]\n\r'), '-');
    assert.equal(archLabel('x'.repeat(500)).length, 80);
  });

  it('uses only icons the chat bundles, and the list is the whole AWS subset of the logos set', () => {
    const bundled = Object.keys(logos.icons).filter((n) => n === 'aws' || n.startsWith('aws-'));
    assert.deepEqual([...AWS_ICONS].sort(), bundled.sort());
    for (const [, icon] of renderArchitecture(hostile).matchAll(/\(logos:([a-z0-9-]+)\)/g))
      assert.ok((AWS_ICONS as readonly string[]).includes(icon!), icon);
    // The system prompt names icons the chat can draw, and no others.
    const named = /logos:aws-<name> for ([^;]+?); also/.exec(SYSTEM_PROMPT)?.[1];
    assert.ok(named, 'the system prompt lists the icons');
    for (const name of named.replace(/ and more$/, '').split(/, | and /))
      assert.ok((AWS_ICONS as readonly string[]).includes(`aws-${name}`), name);
  });

  it('offers the style as a validated input, flowchart by default', () => {
    const schema = diagramFromInventory.inputSchema;
    assert.ok(schema.safeParse({ style: 'architecture' }).success);
    assert.ok(schema.safeParse({}).success);
    assert.equal(schema.safeParse({ style: 'architecture-beta\nservice x' }).success, false);
  });
});

describe('diagram_from_inventory against the AWS APIs', () => {
  // Mocked for this block only: other files mock the same clients.
  const mockAll = () => ({
    ec2: mockClient(EC2Client),
    elb: mockClient(ElasticLoadBalancingV2Client),
    rds: mockClient(RDSClient),
    lambda: mockClient(LambdaClient),
  });
  let aws: ReturnType<typeof mockAll>;
  before(() => (aws = mockAll()));
  after(() => Object.values(aws).forEach((m) => m.restore()));
  const context: ToolContext = { actorId: 'a', region: 'eu-west-1', signal: new AbortController().signal };

  beforeEach(() => {
    aws.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.0.0.0/16' }] });
    aws.ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-0a1b2c3d', CidrBlock: '10.0.1.0/24' }],
    });
    aws.ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          VpcId: 'vpc-0a1b2c3d',
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }],
          Associations: [{ SubnetId: 'subnet-1' }],
        },
      ],
    });
    aws.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-1', SubnetId: 'subnet-1', InstanceType: 't3.micro', State: { Name: 'running' } },
          ],
        },
      ],
    });
    aws.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
    aws.rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    aws.lambda
      .on(ListFunctionsCommand)
      .resolves({ Functions: [{ FunctionName: 'api', Runtime: 'nodejs20.x' }] });
  });

  it('draws a flowchart by default and architecture-beta with AWS icons on request', async () => {
    type Drawn = { mermaid: string; counts: Record<string, number> };
    const flow = (await diagramFromInventory.run({}, context)) as Drawn;
    assert.match(flow.mermaid, /^flowchart TB\n/);
    const arch = (await diagramFromInventory.run({ style: 'architecture' }, context)) as Drawn;
    assert.match(arch.mermaid, /^architecture-beta\n/);
    assert.match(arch.mermaid, /service n_i_1\(logos:aws-ec2\)\[EC2 i-1 t3\.micro\] in n_subnet_1/);
    assert.match(
      arch.mermaid,
      /group n_subnet_1\(cloud\)\[public subnet-1 10\.0\.1\.0\/24\] in n_vpc_0a1b2c3d/,
    );
    assert.match(arch.mermaid, /service n_fn_api\(logos:aws-lambda\)\[api nodejs20\.x\]/);
    assert.deepEqual(arch.counts, flow.counts);
  });
});
