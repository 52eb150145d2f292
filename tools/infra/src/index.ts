export * from './stack';
export * from './seed';
export * from './services';
export * from './paths';
export * from './kafka-cluster';
export * from './broker-security';
export * from './kafka-acls';
export { killOnExit } from './kafka-broker';
export { freePort } from './free-port';
