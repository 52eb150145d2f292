module.exports = {
  displayName: 'contracts-gen',
  preset: '../../jest.preset.js',
};
