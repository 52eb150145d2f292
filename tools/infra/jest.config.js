module.exports = {
  displayName: 'infra',
  preset: '../../jest.preset.js',
  // The preflight's and progress lines' logic, and the preflight run for real through the launcher.
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
