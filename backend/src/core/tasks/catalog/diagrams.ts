import type { TaskDefinition } from '../types';
import { CATEGORIES, region } from './common';

const DRAW =
  'Return the diagram as a fenced mermaid block (a flowchart, or architecture-beta with logos:aws-* service icons), followed by a short explanation.';

export const DIAGRAM_TASKS: TaskDefinition[] = [
  {
    id: 'diagram-current-infrastructure',
    title: 'Diagram of current infrastructure',
    category: CATEGORIES.diagrams,
    description:
      'The live architecture of a region, drawn from the account: VPCs, subnets, instances, load balancers, databases, functions.',
    mutating: false,
    params: [region],
    prompt: `Draw the current infrastructure of {region} with diagram_from_inventory and show its mermaid text verbatim in a mermaid block. Then summarize what you see and any obvious risks (single AZ, public databases). ${DRAW}`,
  },
  {
    id: 'diagram-vpc',
    title: 'Diagram of one VPC',
    category: CATEGORIES.diagrams,
    description: 'One VPC with its subnets, routes to the internet, and what runs in each subnet.',
    mutating: false,
    params: [
      { name: 'vpcId', label: 'VPC id', placeholder: 'vpc-0123456789abcdef0', required: true },
      region,
    ],
    prompt: `Draw VPC {vpcId} in {region} with diagram_from_inventory (vpcId set) and show its mermaid text verbatim in a mermaid block. Describe its public and private subnets and how traffic reaches the internet. ${DRAW}`,
  },
  {
    id: 'diagram-serverless',
    title: 'Serverless architecture diagram',
    category: CATEGORIES.diagrams,
    description:
      'A reference serverless design (API Gateway, Lambda, DynamoDB, S3, EventBridge) adapted to your use case.',
    mutating: false,
    params: [
      {
        name: 'useCase',
        label: 'Use case',
        placeholder: 'an order API with async fulfilment',
        required: false,
      },
    ],
    prompt: `Design a serverless architecture on AWS for: {useCase}. Use API Gateway, Lambda, DynamoDB, S3, SQS or EventBridge as fitting, with security (IAM, Cognito) and observability. ${DRAW}`,
  },
  {
    id: 'diagram-three-tier',
    title: 'Three-tier web application diagram',
    category: CATEGORIES.diagrams,
    description:
      'A highly available three-tier design: ALB, an Auto Scaling tier in private subnets, Multi-AZ database.',
    mutating: false,
    params: [{ name: 'app', label: 'Application', placeholder: 'a Java web shop', required: false }],
    prompt: `Design a highly available three-tier architecture on AWS for {app}: CloudFront and an ALB in public subnets, an Auto Scaling application tier in private subnets across two AZs, and a Multi-AZ Aurora or RDS database, with NAT gateways and security groups between tiers. ${DRAW}`,
  },
  {
    id: 'diagram-microservices',
    title: 'Microservices architecture diagram',
    category: CATEGORIES.diagrams,
    description:
      'Services on ECS Fargate or EKS with service discovery, messaging and per-service data stores.',
    mutating: false,
    params: [
      {
        name: 'services',
        label: 'Services',
        placeholder: 'orders, payments, inventory, notifications',
        required: false,
      },
    ],
    prompt: `Design a microservices architecture on AWS for these services: {services}. Use ECS on Fargate (or EKS if it fits better), an ALB or API Gateway, service discovery, SQS/SNS or EventBridge between services, and a data store per service. ${DRAW}`,
  },
  {
    id: 'diagram-from-description',
    title: 'Generate an architecture diagram from a description',
    category: CATEGORIES.diagrams,
    description: 'A mermaid architecture diagram drawn from your description of a system.',
    mutating: false,
    params: [
      {
        name: 'description',
        label: 'Describe the architecture',
        placeholder: 'ALB in front of ECS Fargate, Aurora, S3 for assets',
        required: true,
      },
    ],
    prompt:
      'Draw an AWS architecture diagram as a fenced mermaid flowchart for this system: {description}. Group resources ' +
      'by VPC and subnet where that applies, label the connections, and follow it with a short explanation of the design.',
  },
];
