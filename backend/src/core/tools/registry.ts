/**
 * The tools the model is offered. `TOOLS_MODE=read-only` leaves out every mutating tool, so the
 * model is never told they exist.
 */
import * as z from 'zod';
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
import { guarddutyFindings } from './findings/guardduty';
import { securityHubFindings } from './findings/security-hub';
import { getCallerIdentity } from './get-caller-identity';
import { logsInsightsQuery } from './observability/logs-insights';
import { metricChart } from './observability/metric-chart';
import type { ToolSpec } from '../model/types';
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
  logsInsightsQuery,
  metricChart,
  securityHubFindings,
  guarddutyFindings,
];

export class ToolRegistry {
  private readonly byName: Map<string, Tool<any>>;

  constructor(
    tools: readonly Tool<any>[],
    readonly mode: ToolsMode = 'approve-writes',
  ) {
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

  /**
   * This registry plus `extra` (MCP servers' tools, for one turn), under the same mode; a built-in
   * name wins, then the first extra of a name (server `a`'s `b__c` and server `a__b`'s `c` meet as
   * `a__b__c`: a later server must not take over a name, or an approval, an earlier one holds).
   */
  with(extra: readonly Tool<any>[]): ToolRegistry {
    const taken = new Set(this.byName.keys());
    const added = extra.filter((t) => !taken.has(t.name) && taken.add(t.name));
    return added.length === 0 ? this : new ToolRegistry([...this.byName.values(), ...added], this.mode);
  }

  private specs: ToolSpec[] | undefined;

  /**
   * What the model is offered, in a fixed order (built-in tools as listed, then MCP tools), JSON
   * Schema generated once per tool: the same bytes every call, so the prompt cache holds.
   */
  toolSpecs(): ToolSpec[] {
    return (this.specs ??= [...this.byName.values()].map(specOf));
  }
}

const specs = new WeakMap<Tool<any>, ToolSpec>();

/** Once per tool, shared by every registry that holds it (a turn's registry is built per turn). */
function specOf(tool: Tool<any>): ToolSpec {
  let spec = specs.get(tool);
  if (!spec) {
    const json = tool.jsonSchema ?? z.toJSONSchema(tool.inputSchema, { io: 'input' });
    spec = { name: tool.name, description: tool.description, inputSchema: json as Record<string, unknown> };
    specs.set(tool, spec);
  }
  return spec;
}
