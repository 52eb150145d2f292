require('../../../../tools/register.js');
module.exports = () => require('./e2e-stack.ts').stopE2eStack();
