export * from './schemas';
export * from './sse';
