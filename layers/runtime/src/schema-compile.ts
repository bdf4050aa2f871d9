/**
 * The ajv compiler side of route schemas: options and instances for the build's standalone code
 * (scripts/build/schemas.ts) and for development runs from source. Bundles never load this module.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { combineValidators, eventSchemas, type EventValidator, type RouteSchema } from './schema';

/**
 * Ajv options, shared by the build-time compiler and the development fallback so both validate alike.
 * They are @middy/validator's defaults (draft 2020-12, all errors, defaults filled in) without type
 * coercion: a JSON body is typed, so `"count": "5"` for an integer is an error. Query-string and path
 * values are always strings and are validated with {@link PARAMETER_OPTIONS}, which coerces them.
 */
export const ajvOptions = {
  strict: true,
  coerceTypes: false,
  allErrors: true,
  useDefaults: 'empty',
  messages: true,
} as const;

/** Options for query-string and path parameters: strings coerced to the schema's types (`?limit=5`). */
export const PARAMETER_OPTIONS = { coerceTypes: 'array' } as const;

/** A configured Ajv 2020-12 instance with ajv-formats. `extra` is merged over {@link ajvOptions}. */
export function createAjv(extra: Record<string, unknown> = {}): Ajv2020 {
  const ajv = new Ajv2020({ ...ajvOptions, ...extra });
  addFormats(ajv);
  return ajv;
}

let devAjv: { body: Ajv2020; parameters: Ajv2020 } | undefined;

/** Compiles a route's schemas as the build does (body strict, parameters coerced), for runs from source. */
export function compileRouteValidator(schema: RouteSchema): EventValidator {
  devAjv ??= { body: createAjv(), parameters: createAjv(PARAMETER_OPTIONS) };
  const parts = eventSchemas(schema);
  return combineValidators(
    parts.body && devAjv.body.compile(parts.body),
    parts.parameters && devAjv.parameters.compile(parts.parameters),
  );
}
