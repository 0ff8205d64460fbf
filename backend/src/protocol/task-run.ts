/** How a task run reads in a conversation, the same in the stored turn and in the client's view. */
export function describeTaskRun(title: string, params: Record<string, string> = {}, extra?: string): string {
  const given = Object.entries(params).filter(([, v]) => v.trim());
  const args = given.length ? ` (${given.map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';
  return `Run task: ${title}${args}${extra?.trim() ? `\n\n${extra.trim()}` : ''}`;
}
