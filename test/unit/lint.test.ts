import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { ROOT } from '../../scripts/manifest';
import noCrossServiceImport from '../../scripts/lint/no-cross-service-import.mjs';

/** Lints `code` as the file `path` (relative to the repository) with the rule alone: fast, in-process. */
function crossServiceErrors(path: string, code: string): string[] {
  const linter = new Linter({ cwd: ROOT });
  const messages = linter.verify(code, [{
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { darkroom: { rules: { 'no-cross-service-import': noCrossServiceImport } } },
    rules: { 'darkroom/no-cross-service-import': 'error' },
  }], join(ROOT, path));
  return messages.map((m) => m.message);
}

describe('the no-cross-service-import lint rule', () => {
  it('refuses a planted import of another service\'s folder, however it is spelled', () => {
    expect(crossServiceErrors('functions/photos/lib/x.ts', "import { imagesCatalog } from '../../images/lib/catalog';\nexport const x = imagesCatalog;\n"))
      .toEqual([expect.stringContaining('functions/photos/ imports functions/images/')]);
    expect(crossServiceErrors('functions/images/upload/x.ts', "export { photosCatalog } from '../../../functions/photos/lib/catalog';\n")).toHaveLength(1);
    expect(crossServiceErrors('functions/media/lib/x.ts', "const m = require('../../images/lib/records');\nexport default m;\n")).toHaveLength(1);
    expect(crossServiceErrors('functions/visual/lib/x.ts', "export async function f() { return import('../../datasets/lib/records'); }\n")).toHaveLength(1);
    expect(crossServiceErrors('functions/photos/login/x.ts', "import { logIn } from '../../auth/lib/sessions';\nexport const x = logIn;\n")).toHaveLength(1);
  });

  it('has no exception: not even an entry module of another service', () => {
    expect(crossServiceErrors('functions/photos/login/x.ts', "import { logIn } from '../../auth/lib/index';\nexport const x = logIn;\n")).toHaveLength(1);
    expect(crossServiceErrors('functions/photos/login/x.ts', "import { logIn } from '../../auth/lib';\nexport const x = logIn;\n")).toHaveLength(1);
    expect(crossServiceErrors('functions/social/logout/x.ts', "export { accountsDeps } from '../../auth/lib/index';\n")).toHaveLength(1);
  });

  it('allows the service\'s own code and the layers', () => {
    expect(crossServiceErrors('functions/photos/login/x.ts', "import { logIn } from '@darkroom/accounts';\nexport const x = logIn;\n")).toEqual([]);
    expect(crossServiceErrors('functions/photos/list/x.ts', "import { photosDeps } from '../lib/deps';\nimport { logger } from '@darkroom/runtime';\nexport const x = [photosDeps, logger];\n")).toEqual([]);
    expect(crossServiceErrors('scripts/bench/x.ts', "import { processRecord } from '../../functions/media/lib/pipeline';\nexport const x = processRecord;\n")).toEqual([]);
  });

  it('is part of the repository\'s ESLint configuration (npm run lint), which fails on a planted import', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', 'functions/photos/lib/planted.ts'], {
      cwd: ROOT, input: "import { imagesCatalog } from '../../images/lib/catalog';\nexport const x = imagesCatalog;\n", encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('darkroom/no-cross-service-import');
  });
});
