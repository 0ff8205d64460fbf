import assert from 'node:assert/strict';
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
