/**
 * API operation → the IAM action AWS authorizes it with. Mostly `prefix:Operation`; the prefix and
 * a few action names differ from the SDK's (Cost Explorer is `ce:`, S3's ListBuckets is
 * `s3:ListAllMyBuckets`). Shared by `aws_read`'s declaration and the test that checks every tool's.
 */

/** Service key (as `aws_read` names services) → IAM prefix, where they differ. */
const IAM_PREFIX: Record<string, string> = {
  elbv2: 'elasticloadbalancing',
  accessanalyzer: 'access-analyzer',
  computeoptimizer: 'compute-optimizer',
  costexplorer: 'ce',
};

/** `prefix:Operation` → the IAM action(s) AWS checks, where the name differs from the API's. */
const IAM_ACTION: Record<string, readonly string[]> = {
  's3:ListBuckets': ['s3:ListAllMyBuckets'],
  's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3:GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  's3:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  'budgets:DescribeBudgets': ['budgets:ViewBudget'],
  'budgets:DescribeBudget': ['budgets:ViewBudget'],
  'budgets:DescribeBudgetPerformanceHistory': ['budgets:ViewBudget'],
};

/** The IAM action(s) behind `operation` of `service` (an IAM prefix or an `aws_read` service key). */
export function iamActionsFor(service: string, operation: string): readonly string[] {
  const action = `${IAM_PREFIX[service] ?? service}:${operation}`;
  return IAM_ACTION[action] ?? [action];
}
