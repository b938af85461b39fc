/**
 * `@qmpdeck/qmp/schema`: QAPI introspection helpers for forms. Browser-safe (no Node imports).
 */
export * from './describe.ts';
export * from './introspection.ts';
