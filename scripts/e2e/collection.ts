/**
 * `npm run postman:assemble`: assembles test/e2e/darkroom.postman_collection.json, the QA team's collection,
 * from one folder per service in test/e2e/folders/ (each service's requests stay next to each other
 * and can be edited without touching the rest). The order puts folders that log out last.
 * test/e2e/postman.test.ts fails when the committed collection differs from the assembled one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../manifest';

export const FOLDER_ORDER = ['session', 'images', 'photos', 'social', 'social-calendar', 'datasets', 'datasets-generation', 'visual', 'auth'];
export const COLLECTION_PATH = join(ROOT, 'test/e2e/darkroom.postman_collection.json');

/** The collection (Postman v2.1) built from the folder files, as JSON text. */
export function assembleCollection(): string {
  const item = FOLDER_ORDER.flatMap((name) => {
    try {
      return [JSON.parse(readFileSync(join(ROOT, 'test/e2e/folders', `${name}.json`), 'utf8'))];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  });
  const collection = {
    info: {
      name: 'Darkroom',
      description: 'Every Darkroom route, in the order a user meets them. Run against the local stack (`npm start`) with `npm run postman` (baseUrl http://127.0.0.1:$PORT, 3000 by default), or `npx newman run test/e2e/darkroom.postman_collection.json --env-var baseUrl=<API URL>` (the outbox requests need the local stack).',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    variable: [{ key: 'baseUrl', value: 'http://127.0.0.1:3000' }],
    item,
  };
  return `${JSON.stringify(collection, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(COLLECTION_PATH, assembleCollection());
  console.log(`wrote ${COLLECTION_PATH}`);
}
