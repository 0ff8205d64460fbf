/**
 * Inventory to mermaid, deterministically: the same account state always draws the same diagram
 * (everything sorted by id), so the picture can be diffed and trusted to match the account.
 */

export interface Inventory {
  region: string;
  vpcs: { id: string; name?: string; cidr?: string }[];
  subnets: { id: string; vpcId: string; name?: string; cidr?: string; az?: string; public: boolean }[];
  instances: {
    id: string;
    subnetId?: string;
    vpcId?: string;
    name?: string;
    type?: string;
    state?: string;
  }[];
  loadBalancers: {
    arn: string;
    name: string;
    type?: string;
    scheme?: string;
    vpcId?: string;
    targets: string[];
  }[];
  databases: { id: string; engine?: string; vpcId?: string; subnetIds: string[]; multiAz?: boolean }[];
  functions: { name: string; runtime?: string; vpcId?: string; subnetIds: string[] }[];
}

const MAX_NODES_PER_SUBNET = 15;

export function renderMermaid(inv: Inventory): string {
  const lines = ['flowchart TB'];
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
  const node = (id: string, label: string, shape: 'box' | 'db' | 'round' | 'hex' = 'box') => {
    const l = escape(label);
    return {
      box: `${nodeId(id)}["${l}"]`,
      db: `${nodeId(id)}[("${l}")]`,
      round: `${nodeId(id)}("${l}")`,
      hex: `${nodeId(id)}{{"${l}"}}`,
    }[shape];
  };
  const placed = new Set<string>();

  for (const vpc of byId(inv.vpcs)) {
    lines.push(
      `  subgraph ${nodeId(vpc.id)}["${escape(`VPC ${vpc.name ?? vpc.id} ${vpc.cidr ?? ''}`.trim())}"]`,
    );
    for (const subnet of byId(inv.subnets.filter((s) => s.vpcId === vpc.id))) {
      lines.push(
        `    subgraph ${nodeId(subnet.id)}["${escape(`${subnet.public ? 'public' : 'private'} ${subnet.name ?? subnet.id} ${subnet.cidr ?? ''} ${subnet.az ?? ''}`.replace(/\s+/g, ' ').trim())}"]`,
      );
      const members: string[] = [];
      for (const i of byId(inv.instances.filter((i) => i.subnetId === subnet.id))) {
        members.push(node(i.id, `EC2 ${i.name ?? i.id}\n${i.type ?? ''} ${i.state ?? ''}`.trim()));
        placed.add(i.id);
      }
      for (const f of [...inv.functions]
        .sort((a, b) => a.name.localeCompare(b.name))
        .filter((f) => f.subnetIds[0] === subnet.id)) {
        members.push(node(`fn-${f.name}`, `λ ${f.name}\n${f.runtime ?? ''}`.trim(), 'round'));
        placed.add(`fn-${f.name}`);
      }
      for (const member of members.slice(0, MAX_NODES_PER_SUBNET)) lines.push(`      ${member}`);
      if (members.length > MAX_NODES_PER_SUBNET)
        lines.push(`      ${node(`${subnet.id}-more`, `… ${members.length - MAX_NODES_PER_SUBNET} more`)}`);
      if (members.length === 0) lines.push(`      ${node(`${subnet.id}-empty`, '(empty)')}`);
      lines.push('    end');
    }
    for (const db of byId(inv.databases.filter((d) => d.vpcId === vpc.id))) {
      lines.push(
        `    ${node(`db-${db.id}`, `RDS ${db.id}\n${db.engine ?? ''}${db.multiAz ? ' Multi-AZ' : ''}`.trim(), 'db')}`,
      );
      placed.add(`db-${db.id}`);
    }
    for (const lb of [...inv.loadBalancers]
      .sort((a, b) => a.name.localeCompare(b.name))
      .filter((l) => l.vpcId === vpc.id)) {
      lines.push(
        `    ${node(`lb-${lb.name}`, `${(lb.type ?? 'application').toUpperCase() === 'NETWORK' ? 'NLB' : 'ALB'} ${lb.name}\n${lb.scheme ?? ''}`.trim(), 'hex')}`,
      );
      placed.add(`lb-${lb.name}`);
    }
    lines.push('  end');
  }
  const outside = [...inv.functions]
    .sort((a, b) => a.name.localeCompare(b.name))
    .filter((f) => !placed.has(`fn-${f.name}`));
  for (const f of outside)
    lines.push(`  ${node(`fn-${f.name}`, `λ ${f.name}\n${f.runtime ?? ''}`.trim(), 'round')}`);

  const internetFacing = inv.loadBalancers.filter((lb) => lb.scheme === 'internet-facing');
  if (internetFacing.length > 0) lines.push(`  ${node('internet', 'Internet', 'round')}`);
  for (const lb of [...internetFacing].sort((a, b) => a.name.localeCompare(b.name)))
    lines.push(`  ${nodeId('internet')} --> ${nodeId(`lb-${lb.name}`)}`);
  for (const lb of [...inv.loadBalancers].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const target of [...new Set(lb.targets)].sort())
      if (placed.has(target)) lines.push(`  ${nodeId(`lb-${lb.name}`)} --> ${nodeId(target)}`);
  }
  return lines.join('\n');
}

/** Mermaid ids: letters, digits and underscores only. */
export function nodeId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Labels sit in double quotes; mermaid reads entity codes, and `\n` becomes a line break. */
function escape(label: string): string {
  return label
    .replace(/"/g, '#quot;')
    .replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'))
    .replace(/\n/g, '<br/>');
}
