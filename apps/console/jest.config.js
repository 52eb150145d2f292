// Unit specs of the console's pure modules (timeline layout, chart geometry, the API client, routes); the pages
// themselves are tested in a real browser by apps/console-e2e.
module.exports = {
  displayName: 'console',
  preset: '../../jest.preset.js',
};
