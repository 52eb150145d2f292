const { join } = require('node:path');
const preset = require('../../jest.preset.js');

const [swcTransform] = Object.values(preset.transform);
const modules = join(__dirname, '..', '..', 'node_modules');

module.exports = {
  displayName: 'deploy',
  preset: '../../jest.preset.js',
  // kubernetes-models ships ESM only, exported under the `import` condition alone, which Jest's
  // CommonJS runtime does not resolve. Its files are mapped by path and transpiled like our sources,
  // together with the two ESM-only packages its validator imports (is-cidr, cidr-regex).
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    '^@kubernetes-models/validate/runtime/(.+?)(\\.js)?$': `${modules}/@kubernetes-models/validate/dist/runtime/$1.js`,
    '^@kubernetes-models/(base|validate)$': `${modules}/@kubernetes-models/$1/dist/index.js`,
    '^(kubernetes-models|@kubernetes-models/[^/]+)/(.+?)(\\.js)?$': `${modules}/$1/$2.js`,
  },
  transform: { ...preset.transform, '^.+/node_modules/(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/.+\\.js$': swcTransform },
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)'],
};
