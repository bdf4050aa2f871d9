/**
 * Build-time compilation of route schemas (DESIGN.md §1: "JSON Schemas precompiled at build time").
 * Compiling with ajv at cold start costs ~50-60 ms; ajv's standalone code generation moves that to the
 * build. The validator is compiled with the same options the runtime uses in development
 * (layers/runtime/src/schema.ts), so tests from source and bundles validate alike.
 */
import type { Plugin } from 'esbuild';
import standaloneCode from 'ajv/dist/standalone';
import { eventSchemas, type RouteSchema } from '@darkroom/runtime';
import { createAjv, PARAMETER_OPTIONS } from '@darkroom/runtime/src/schema-compile';

/** Ajv standalone code of one schema, as an expression that evaluates to the validate function. */
function standaloneExpression(schema: Record<string, unknown> | undefined, options: Record<string, unknown> = {}): string {
  if (!schema) return 'undefined';
  const ajv = createAjv({ ...options, code: { source: true, esm: true } });
  const code = standaloneCode(ajv, ajv.compile(schema));
  const name = /export default (\w+);/.exec(code)?.[1];
  if (!name) throw new Error('unexpected ajv standalone output: no default export');
  const body = code.replace('"use strict";', '').replace(/export default \w+;/, '').replace(/export const validate = \w+;/, '');
  return `(() => {${body}\nreturn ${name};})()`;
}

/**
 * The source of a module exporting `schema` = the route's precompiled event validator: the body part
 * (no coercion) and the parameters part (coerced) compiled as the runtime compiles them in development.
 * @throws Error when a schema is invalid under ajv's strict mode
 */
export function precompiledSchemaModule(schema: RouteSchema): string {
  const parts = eventSchemas(schema);
  return `import { combineValidators } from '@darkroom/runtime';
const body = ${standaloneExpression(parts.body)};
const parameters = ${standaloneExpression(parts.parameters, PARAMETER_OPTIONS)};
export const schema = Object.assign(combineValidators(body, parameters), { precompiled: true });\n`;
}

/** esbuild plugin: every `functions/**\/schema.ts` is replaced by its precompiled validator. */
export function precompiledSchemas(root: string): Plugin {
  return {
    name: 'precompiled-schemas',
    setup(build) {
      build.onLoad({ filter: /[\\/]functions[\\/].+[\\/]schema\.ts$/ }, async (args) => {
        const module = await import(args.path) as { schema?: RouteSchema };
        if (!module.schema) throw new Error(`${args.path} does not export a schema`);
        return { contents: precompiledSchemaModule(module.schema), loader: 'js', resolveDir: root };
      });
    },
  };
}
