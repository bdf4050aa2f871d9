/**
 * The API's route table, read from functions/manifest.json at build time (the bundle inlines it): what
 * the `$default` route needs to tell an unknown path (404) from a known path asked with another method
 * (405), and which service a path belongs to.
 */
import manifest from '../../manifest.json';
import { serviceEnvelopes, type EnvelopeName } from '@darkroom/runtime';

/** One HTTP route: its method, its path as a matcher, and the service (folder under functions/) that serves it. */
export interface RouteEntry { method: string; pattern: RegExp; service: string }

interface ManifestFunction { entry: string; trigger: { type: string; method?: string; path?: string } }

/**
 * A route path's matcher: `{name}` stands for one path segment and `{name+}` for the rest of the path,
 * as in API Gateway HTTP API route keys ("Working with routes for HTTP APIs", API Gateway developer guide).
 */
export function pathPattern(path: string): RegExp {
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{[^}+]+\+\}/g, '.+')
    .replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${source}$`);
}

/** Every `http` route of `functions` (the manifest's by default). */
export function routeTable(functions: readonly ManifestFunction[] = manifest.functions as ManifestFunction[]): RouteEntry[] {
  return functions.flatMap((fn) => fn.trigger.type === 'http' && fn.trigger.path && fn.trigger.method
    ? [{ method: fn.trigger.method, pattern: pathPattern(fn.trigger.path), service: /^functions\/([^/]+)\//.exec(fn.entry)?.[1] ?? '' }]
    : []);
}

/** What an unmatched request gets: 405 with `Allow` when the path is known under other methods, else 404. */
export interface Unmatched { statusCode: 404 | 405; allow: string[]; envelope: EnvelopeName }

const firstSegment = (path: string) => path.split('/')[1] ?? '';

/**
 * Classifies a request no route matched.
 * @param routes the API's routes ({@link routeTable})
 * @param path the request path, e.g. `/user/abc/nothing`
 * @returns the status, the methods the path takes (for `Allow`, RFC 9110 §15.5.6), and the envelope:
 *   that of the service whose routes share the path's first segment (`/user/...` is social's), else `plain`
 */
export function classify(routes: readonly RouteEntry[], path: string): Unmatched {
  const allow = [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))].sort();
  const owner = routes.find((route) => route.pattern.source.startsWith(`^\\/${firstSegment(path)}`) && firstSegment(path) !== '');
  return { statusCode: allow.length ? 405 : 404, allow, envelope: serviceEnvelopes[owner?.service ?? ''] ?? 'plain' };
}
