export * from './schemas';
export * from './sse';
export * from './task-run';
