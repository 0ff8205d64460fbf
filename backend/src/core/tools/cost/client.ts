/** Cost Explorer is served from us-east-1 whatever region the resources are in. */
import * as z from 'zod';
import { awsClientConfig, type ToolContext } from '../types';

export async function costExplorer(context: ToolContext) {
  const sdk = await import('@aws-sdk/client-cost-explorer');
  return { sdk, client: new sdk.CostExplorerClient(awsClientConfig(context, 'us-east-1')) };
}

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** Dates as Cost Explorer wants them (UTC days; `end` is exclusive). */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function monthToDate(now: Date): { start: string; end: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { start: day(start), end: day(end) };
}

export function round(amount: string | undefined): number {
  return Math.round(Number(amount ?? 0) * 100) / 100;
}
