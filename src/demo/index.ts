export * from './demo-file.js';
export * from './merge.js';
