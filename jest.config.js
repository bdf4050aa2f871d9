/**
 * Four jest projects (DESIGN.md §7): unit (SDK mocked), integration (the real SDK against the local
 * stack, started once per run), artefacts (the built zips in artefact mode: Postman and a smoke subset),
 * terraform (static checks of the HCL). TypeScript and the ESM-only
 * Middy packages are compiled by @swc/jest; type checking is `npm run typecheck`.
 */
const transform = {
  '^.+\\.(t|j|mj)sx?$': ['@swc/jest', {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  }],
};
const common = {
  testEnvironment: 'node',
  transform,
  // Middy and archiver 8 (with its zip-stream, compress-commons, crc32-stream, is-stream) ship ESM only;
  // everything else in node_modules is CommonJS and stays untransformed.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|archiver|zip-stream|compress-commons|crc32-stream|is-stream)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Build output and local data are not sources: dist/layers/jwt/package.json (the built layer) would
  // otherwise be a second `@darkroom/jwt` in jest's module map once anything has been built.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.local/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option (ignored inside `projects`): integration hooks start emulators and upload photos,
  // which takes seconds on a loaded 2-core machine; unit tests finish far below it.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], setupFiles: ['<rootDir>/test/unit/env.ts'] },
    {
      ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts', setupFiles: ['<rootDir>/test/integration/env.ts'], globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      slowTestThreshold: 30,
    },
    // What deploys, run as Lambda runs it: the build's zips in artefact mode (scripts/local/artefacts.ts),
    // with the Postman collection and a smoke subset of the integration suite.
    {
      ...common, displayName: 'artefacts', testMatch: ['<rootDir>/test/artefacts/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/artefacts/global-setup.ts', setupFiles: ['<rootDir>/test/artefacts/env.ts'], globalTeardown: '<rootDir>/test/artefacts/global-teardown.ts',
      slowTestThreshold: 30,
    },
    { ...common, displayName: 'terraform', testMatch: ['<rootDir>/test/terraform/**/*.test.ts'] },
  ],
};
