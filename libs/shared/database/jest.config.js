module.exports = {
  displayName: 'shared-database',
  preset: '../../../jest.preset.js',
};
