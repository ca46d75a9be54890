// Lint for every package, the tests, the examples and the benchmarks.
// Type-aware rules catch promises left floating, which in a failover engine
// means a switch or a probe whose failure nobody sees.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'build/**', 'packages/agent/static/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['./tsconfig.test.json', './packages/*/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/test/**/*.ts', 'test/**/*.ts'],
    rules: {
      // mocha's `this` and chai-less asserts on possibly-undefined values
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Plain JavaScript run by Node (benchmark workers that must not carry a TypeScript loader).
    files: ['**/*.js'],
    ignores: ['eslint.config.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        console: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
  {
    // The status page: browser JavaScript shipped as is.
    files: ['packages/agent/static/**/*.js'],
    languageOptions: {
      globals: {
        document: 'readonly',
        fetch: 'readonly',
        sessionStorage: 'readonly',
        TextDecoder: 'readonly',
        Node: 'readonly',
        devicePixelRatio: 'readonly',
        addEventListener: 'readonly',
        uPlot: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
