/** A VS Code Memento (workspace or global state) kept in a map, for unit tests. */
export const memento = () => {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(k: string) => data.get(k) as T | undefined,
    update: async (k: string, v: unknown) => void data.set(k, v),
  };
};
