export * from './start-system';
export * from './test-system';
export * from './seed';
export * from './tcp-proxy';
