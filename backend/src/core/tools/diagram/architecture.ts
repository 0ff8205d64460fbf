/**
 * Inventory to a mermaid `architecture-beta` diagram with AWS service icons (the chat bundles the
 * `logos` pack). Deterministic like the flowchart: everything sorted, so the same account draws
 * the same text.
 */
import type { Inventory } from './mermaid';

const MAX_SERVICES_PER_GROUP = 15;

export function renderArchitecture(inv: Inventory): string {
  const lines = ['architecture-beta'];
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
  const byName = <T extends { name: string }>(xs: T[]) =>
    [...xs].sort((a, b) => a.name.localeCompare(b.name));
  const placed = new Set<string>();
  const service = (key: string, icon: string, label: string, parent?: string) => {
    placed.add(key);
    return `service ${archId(key)}(${icon})[${archLabel(label)}]${parent ? ` in ${archId(parent)}` : ''}`;
  };

  for (const vpc of byId(inv.vpcs)) {
    lines.push(
      `  group ${archId(vpc.id)}(logos:aws-vpc)[${archLabel(`VPC ${vpc.name ?? vpc.id} ${vpc.cidr ?? ''}`)}]`,
    );
    for (const subnet of byId(inv.subnets.filter((s) => s.vpcId === vpc.id))) {
      const label = `${subnet.public ? 'public' : 'private'} ${subnet.name ?? subnet.id} ${subnet.cidr ?? ''} ${subnet.az ?? ''}`;
      lines.push(`  group ${archId(subnet.id)}(cloud)[${archLabel(label)}] in ${archId(vpc.id)}`);
      const members = [
        ...byId(inv.instances.filter((i) => i.subnetId === subnet.id)).map(
          (i) => [i.id, 'logos:aws-ec2', `EC2 ${i.name ?? i.id} ${i.type ?? ''}`] as const,
        ),
        ...byName(inv.functions.filter((f) => f.subnetIds[0] === subnet.id)).map(
          (f) => [`fn-${f.name}`, 'logos:aws-lambda', `${f.name} ${f.runtime ?? ''}`] as const,
        ),
      ];
      for (const [key, icon, label] of members.slice(0, MAX_SERVICES_PER_GROUP))
        lines.push(`  ${service(key, icon, label, subnet.id)}`);
      if (members.length > MAX_SERVICES_PER_GROUP)
        lines.push(
          `  ${service(`${subnet.id}-more`, 'server', `${members.length - MAX_SERVICES_PER_GROUP} more`, subnet.id)}`,
        );
      // A group needs a member to be drawn.
      if (members.length === 0) lines.push(`  ${service(`${subnet.id}-empty`, 'cloud', 'empty', subnet.id)}`);
    }
    for (const db of byId(inv.databases.filter((d) => d.vpcId === vpc.id)))
      lines.push(
        `  ${service(`db-${db.id}`, 'logos:aws-rds', `RDS ${db.id} ${db.engine ?? ''}${db.multiAz ? ' Multi-AZ' : ''}`, vpc.id)}`,
      );
    for (const lb of byName(inv.loadBalancers.filter((l) => l.vpcId === vpc.id))) {
      const kind = (lb.type ?? 'application').toUpperCase() === 'NETWORK' ? 'NLB' : 'ALB';
      lines.push(
        `  ${service(`lb-${lb.name}`, 'logos:aws-elb', `${kind} ${lb.name} ${lb.scheme ?? ''}`, vpc.id)}`,
      );
    }
  }
  for (const f of byName(inv.functions).filter((f) => !placed.has(`fn-${f.name}`)))
    lines.push(`  ${service(`fn-${f.name}`, 'logos:aws-lambda', `${f.name} ${f.runtime ?? ''}`)}`);

  const internetFacing = byName(inv.loadBalancers.filter((lb) => lb.scheme === 'internet-facing'));
  if (internetFacing.length > 0) lines.push(`  ${service('internet', 'internet', 'Internet')}`);
  for (const lb of internetFacing)
    if (placed.has(`lb-${lb.name}`)) lines.push(`  ${archId('internet')}:R --> L:${archId(`lb-${lb.name}`)}`);
  for (const lb of byName(inv.loadBalancers)) {
    if (!placed.has(`lb-${lb.name}`)) continue;
    for (const target of [...new Set(lb.targets)].sort())
      if (placed.has(target)) lines.push(`  ${archId(`lb-${lb.name}`)}:R --> L:${archId(target)}`);
  }
  return lines.join('\n');
}

/** Architecture ids: letters, digits and underscores only. */
export function archId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/**
 * Labels sit in `[…]` and end at the first bracket or line break; account data (tag values) must
 * not close them early or start a statement of its own.
 */
export function archLabel(label: string): string {
  const clean = label
    .replace(/[[\]\r\n"'`{}()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
  return clean || '-';
}
