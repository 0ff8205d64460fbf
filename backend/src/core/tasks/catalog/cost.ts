import type { TaskDefinition } from '../types';
import { CATEGORIES, region } from './common';

export const COST_TASKS: TaskDefinition[] = [
  {
    id: 'cost-this-month',
    title: 'This month’s cost by service and region',
    category: CATEGORIES.cost,
    description: 'Month-to-date cost grouped by service, then by region, with the top drivers.',
    mutating: false,
    prompt:
      'Show this month’s cost to date grouped by service (cost_and_usage, groupBy service), then by region. Give the ' +
      'total, the top five services with their share, and anything unexpected.',
  },
  {
    id: 'cost-trend-6-months',
    title: '6-month cost trend',
    category: CATEGORIES.cost,
    description: 'Monthly cost for the last six months by service, with the month-over-month change.',
    mutating: false,
    prompt:
      'Show the monthly cost of the last six full months plus this month to date, grouped by service (MONTHLY ' +
      'granularity). Give a table of the top services per month, the month-over-month change and the biggest movers.',
  },
  {
    id: 'cost-optimization-candidates',
    title: 'Top savings opportunities',
    category: CATEGORIES.cost,
    description:
      'Idle, oversized or forgotten resources that cost money: stopped instances with volumes, unattached volumes, old snapshots, idle load balancers.',
    mutating: false,
    params: [region],
    prompt:
      'Find resources in {region} that are likely wasting money: stopped EC2 instances still holding EBS volumes, ' +
      'unattached EBS volumes, unassociated Elastic IPs, load balancers without healthy targets, and old snapshots. ' +
      'Estimate the monthly saving for each and order by saving.',
  },
  {
    id: 'cost-anomalies',
    title: 'Cost anomalies',
    category: CATEGORIES.cost,
    description: 'Anomalies found by Cost Anomaly Detection in the last 30 days, with root causes.',
    mutating: false,
    prompt:
      'List cost anomalies of the last 30 days (cost_anomalies) with dates, impact and root causes (service, region, ' +
      'account, usage type), largest first, and suggest what to check for each.',
  },
  {
    id: 'cost-forecast-vs-budget',
    title: 'Forecast versus budget',
    category: CATEGORIES.cost,
    description: 'This month’s forecast against a budget you give, with the gap and its drivers.',
    mutating: false,
    params: [{ name: 'budget', label: 'Monthly budget (USD)', placeholder: '5000', required: true }],
    prompt:
      'Compare this month’s cost: actual to date (cost_and_usage) and the forecast to the end of the month ' +
      '(cost_forecast) against a monthly budget of {budget} USD. Say whether the month will end over or under, by how ' +
      'much (with the forecast interval), and which services drive the difference.',
  },
  {
    id: 'idle-resources',
    title: 'Idle resources',
    category: CATEGORIES.cost,
    description: 'Instances and databases with very low utilization over the last two weeks.',
    mutating: false,
    params: [region],
    prompt:
      'Find idle resources in {region}: running EC2 instances and RDS instances whose average CPU over the last 14 days ' +
      'is under 5% (CloudWatch GetMetricStatistics, daily periods), and NAT gateways with little traffic. List each ' +
      'with its utilization, monthly cost estimate and a recommendation (stop, downsize, schedule, remove).',
  },
  {
    id: 'unattached-ebs-volumes',
    title: 'Find unattached EBS volumes',
    category: CATEGORIES.cost,
    description: 'EBS volumes in the available state, with size, type, age and monthly cost.',
    mutating: false,
    params: [region],
    prompt:
      'Find all EBS volumes in the "available" (unattached) state in {region}. For each give the volume id, size, type, ' +
      'creation date, tags and estimated monthly cost. End with the total monthly cost.',
  },
];
