// One mocha run over every package's tests and the cross-package end-to-end
// tests, so `npm test` prints one summary. Tests are TypeScript, loaded by tsx;
// they import other packages through their built dist (npm test builds first).
module.exports = {
  spec: ['packages/*/test/**/*.test.ts', 'test/e2e/**/*.test.ts'],
  'node-option': ['import=tsx'],
  timeout: 20000,
  reporter: 'spec',
  exit: true,
};
