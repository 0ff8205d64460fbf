/**
 * The tools role: what the agent's tools may do in AWS (reads, Cost Explorer, the approved change
 * path), held apart from the host's own role. The host assumes it per user with `SourceIdentity`
 * and session tags naming the user and the approver (TOOLS_ROLE_ARN), so CloudTrail records the
 * person behind each call. Only the runtime role(s) it is built with may assume it.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { APPROVER_TAG, USER_TAG } from '../../src/core/tools/assumed-role';

/** What a runtime role needs on the tools role (and what the trust policy allows it). */
export const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'] as const;
/** The only session tags a session may carry: who asked, and who approved. */
export const SESSION_TAG_KEYS = [USER_TAG, APPROVER_TAG] as const;

export interface ToolsRoleProps {
  /** The hosts' own roles: the only principals that may assume this one. */
  trustedBy: iam.IRole[];
  statements: iam.PolicyStatement[];
}

export class ToolsRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ToolsRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new TrustedRoles(props.trustedBy),
      description: 'Cloud Engineer tools, assumed per user so CloudTrail names the person',
      maxSessionDuration: Duration.hours(1),
    });
    for (const statement of props.statements) this.role.addToPrincipalPolicy(statement);
    // The host's side of the hop: its identity policy names this role and nothing else.
    for (const runtimeRole of props.trustedBy)
      runtimeRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeToolsRole',
          actions: [...ASSUME_ACTIONS],
          resources: [this.role.roleArn],
        }),
      );
  }
}

/**
 * The trust policy over the runtime roles: assuming needs a
 * source identity, and the only tags a session may set are the user and approver keys.
 */
class TrustedRoles extends iam.PrincipalBase {
  constructor(private readonly roles: readonly iam.IRole[]) {
    super();
    if (!roles.length) throw new Error('the tools role must trust at least one runtime role');
  }

  get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({ AWS: this.roles.map((r) => r.roleArn) });
  }

  override addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    document.addStatements(
      new iam.PolicyStatement({
        sid: 'RuntimeAssumesForAUser',
        actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        principals: [this],
        // No session without a named person: CloudTrail's sourceIdentity is always set.
        conditions: { StringLike: { 'sts:SourceIdentity': '*' } },
      }),
      new iam.PolicyStatement({
        sid: 'RuntimeTagsUserAndApprover',
        actions: ['sts:TagSession'],
        principals: [this],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [...SESSION_TAG_KEYS] } },
      }),
    );
  }

  override toString(): string {
    return 'CloudEngineerRuntimeRoles';
  }

  dedupeString(): string | undefined {
    return undefined;
  }
}
