/** A current Claude Sonnet cross-region inference profile: the model when `MODEL_ID` is unset. */
export const DEFAULT_MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
