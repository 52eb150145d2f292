export * from './stack';
export * from './seed';
export * from './services';
export * from './paths';
