module.exports = {
  displayName: 'shared-logging',
  preset: '../../../jest.preset.js',
};
