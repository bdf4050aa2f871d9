import type { Rule } from 'eslint';

/** ESLint rule darkroom/no-cross-service-import (see the .mjs beside this file). */
declare const rule: Rule.RuleModule;
export default rule;
