module.exports = {
  displayName: 'shared-messaging',
  preset: '../../../jest.preset.js',
};
