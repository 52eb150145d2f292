require('../../../../tools/register.js');
module.exports = () => require('./conformance-stack.ts').stopConformanceStack();
