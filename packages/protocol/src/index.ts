export * from './errors.ts';
export * from './events.ts';
export * from './http.ts';
export * from './inflight.ts';
export * from './messages.ts';
export * from './vm.ts';
