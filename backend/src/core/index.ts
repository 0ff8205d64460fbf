/** The host-free agent core: what the extension's local mode and every backend host build on. */
export { AgentService, type InvocationResult } from './service';
export type { ServiceDeps } from './deps';
export { createBackend, type BackendOverrides } from './bootstrap';
export { loadConfig, ConfigError, type BackendConfig, DEFAULT_MODEL_ID } from './config';
export { createModel, PROVIDERS, PROVIDER_IDS, type ProviderId } from './model/providers';
export type { Model, ModelEvent, ModelRequest } from './model/types';
export { FileMemoryStore } from './memory/file-store';
export type { MemoryStore, StoredTurn } from './memory/types';
export { LOCAL_ACTOR, type Actor, type Authenticator } from './auth/authenticator';
export { ServiceError, toErrorResponse } from './errors';
export { createLogger, silentLogger, type Logger } from './log';
export { TASKS } from './tasks/catalog';
