// Jest loads global setup outside its module mapper, so the TypeScript path aliases are
// registered here before the stack code is required.
require('../../../../tools/register.js');
module.exports = () => require('./e2e-stack.ts').startE2eStack();
