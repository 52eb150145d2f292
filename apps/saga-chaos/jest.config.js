module.exports = {
  displayName: 'saga-chaos',
  preset: '../../jest.preset.js',
  // Only the harness's pure logic; the chaos run itself is `npm run test:chaos`.
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
