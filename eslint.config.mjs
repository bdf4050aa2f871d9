// Lint: typescript-eslint's recommended rules over the TypeScript sources, plus the house rules of
// DESIGN.md §1-2 that a linter can see: handlers do not read process.env or build AWS clients, and no
// service imports another's folder (scripts/lint/no-cross-service-import.mjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noCrossServiceImport from './scripts/lint/no-cross-service-import.mjs';

export default tseslint.config(
  { ignores: ['dist/**', '.local/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['functions/**/*.ts'],
    plugins: { darkroom: { rules: { 'no-cross-service-import': noCrossServiceImport } } },
    rules: {
      'darkroom/no-cross-service-import': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration with loadConfig() from @darkroom/runtime.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name=/Client$/]", message: 'Use the clients of @darkroom/runtime (created once, traced).' }],
    },
  },
);
