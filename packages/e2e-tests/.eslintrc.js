module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Shared checks such as harness/axe.ts's expectNoSeriousViolations assert too.
    'jest/expect-expect': ['warn', { assertFunctionNames: ['expect*'] }],
  },
});
