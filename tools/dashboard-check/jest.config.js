module.exports = {
  displayName: 'dashboard-check',
  preset: '../../jest.preset.js',
  // The query parsing and the comparison; the live scrape runs in CI as `dashboard-check:check`.
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
