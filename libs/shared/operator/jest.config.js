module.exports = {
  displayName: 'shared-operator',
  preset: '../../../jest.preset.js',
};
