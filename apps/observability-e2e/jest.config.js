// Each spec starts the processes it needs (its own Kafka broker, databases, services): these specs
// stop brokers, cut database connections and SIGTERM services, which a shared stack must not see.
module.exports = {
  displayName: 'observability-e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 180_000,
};
