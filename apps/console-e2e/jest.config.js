module.exports = {
  displayName: 'console-e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  // Boots the whole system and a browser once; each step polls with its own deadline.
  testTimeout: 120_000,
};
