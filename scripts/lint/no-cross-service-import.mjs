// ESLint rule darkroom/no-cross-service-import: a file under functions/<a>/ imports nothing from
// functions/<b>/ (b != a), with no exception: what two services share lives in layers/ (DESIGN.md §1),
// e.g. the account sessions auth, photos and social use are layers/accounts (@darkroom/accounts).
// Imports are resolved against the file's folder, so any spelling of the path ('../../photos/lib/x', '../../../functions/photos/...') is caught.
import { dirname, relative, resolve, sep } from 'node:path';

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'A service does not import another service\'s folder; shared code belongs in layers/.' },
    schema: [],
    messages: {
      crossService: "functions/{{from}}/ imports functions/{{to}}/ ('{{source}}'): move what both need to layers/.",
    },
  },
  create(context) {
    const functionsDir = resolve(context.cwd, 'functions');
    const serviceOf = (path) => {
      const rel = relative(functionsDir, path);
      if (!rel || rel.startsWith('..') || rel.includes(':')) return undefined;
      const [service, ...rest] = rel.split(sep);
      return rest.length ? { service, rest: rest.join('/').replace(/\.(ts|js|mjs|cjs)$/, '') } : undefined;
    };
    const from = serviceOf(context.filename);
    if (!from) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = serviceOf(resolve(dirname(context.filename), source));
      if (!target || target.service === from.service) return;
      context.report({ node, messageId: 'crossService', data: { from: from.service, to: target.service, source } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node.arguments[0], node.arguments[0].value);
      },
    };
  },
};
