export * from './spec';
export * from './caption';
export * from './generate';
export * from './tokenizer';
export { splitWords } from './text';
export * from './judge';
export * from './score';
