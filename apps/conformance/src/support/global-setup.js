// Jest loads global setup outside its module mapper, so the TypeScript path aliases are registered first.
require('../../../../tools/register.js');
module.exports = () => require('./conformance-stack.ts').startConformanceStack();
