module.exports = {
  displayName: 'shared-observability',
  preset: '../../../jest.preset.js',
};
