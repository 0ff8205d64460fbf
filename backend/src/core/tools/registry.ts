/**
 * The tools the model is offered. `TOOLS_MODE=read-only` leaves out every mutating tool, so the
 * model is never told they exist.
 */
import { z } from 'zod';
import type { Tool as BedrockTool } from '@aws-sdk/client-bedrock-runtime';
import { awsRead } from './aws-read/tool';
import {
  cloudformationDeleteStack,
  cloudformationExecuteChangeSet,
  cloudformationPlanChange,
} from './cloudformation/change';
import { cloudformationDescribe } from './cloudformation/describe';
import { cloudformationGetTemplate, cloudformationValidateTemplate } from './cloudformation/template';
import { costAndUsage } from './cost/cost-and-usage';
import { costAnomalies, costForecast } from './cost/forecast-and-anomalies';
import { diagramFromInventory } from './diagram/tool';
import { getCallerIdentity } from './get-caller-identity';
import type { Tool } from './types';

export type ToolsMode = 'read-only' | 'approve-writes';

export const ALL_TOOLS: readonly Tool<any>[] = [
  getCallerIdentity,
  awsRead,
  cloudformationDescribe,
  cloudformationGetTemplate,
  cloudformationValidateTemplate,
  cloudformationPlanChange,
  cloudformationExecuteChangeSet,
  cloudformationDeleteStack,
  costAndUsage,
  costForecast,
  costAnomalies,
  diagramFromInventory,
];

export class ToolRegistry {
  private readonly byName: Map<string, Tool<any>>;

  constructor(tools: readonly Tool<any>[], mode: ToolsMode = 'approve-writes') {
    this.byName = new Map(
      tools.filter((t) => mode === 'approve-writes' || t.readOnly).map((t) => [t.name, t]),
    );
  }

  get(name: string): Tool<any> | undefined {
    return this.byName.get(name);
  }

  get size(): number {
    return this.byName.size;
  }

  private bedrockTools: BedrockTool[] | undefined;

  /** The Converse `toolConfig.tools` list, JSON Schema generated once from each tool's zod schema. */
  toBedrockTools(): BedrockTool[] {
    return (this.bedrockTools ??= [...this.byName.values()].map((tool) => ({
      toolSpec: {
        name: tool.name,
        description: tool.description,
        inputSchema: { json: z.toJSONSchema(tool.inputSchema, { io: 'input' }) as never },
      },
    })));
  }
}
