export * from './schemas';
export * from './failures';
export * from './sse';
export * from './task-run';
export * from './replies';
