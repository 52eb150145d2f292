module.exports = {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  // The harness's own logic (statistics, scheduling, /proc parsing, the chart) and the floor probes
  // against the real PostgreSQL; the load run itself is `npm run bench` / `npm run bench:smoke`.
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
