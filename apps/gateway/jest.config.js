const preset = require('../../jest.preset.js');

const [swcTransform] = Object.values(preset.transform);

module.exports = {
  displayName: 'gateway',
  preset: '../../jest.preset.js',
  // jose ships ESM only. Node 22 loads it through require(esm), Jest's CommonJS runtime cannot,
  // so Jest transpiles it like our own sources.
  transform: { ...preset.transform, '^.+/node_modules/jose/.+\\.js$': swcTransform },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
