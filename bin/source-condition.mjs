// A module resolve hook for running from the TypeScript sources (a checkout): it adds the
// `llm-gateway-source` export condition, so `llm-gateway/plugin` and `llm-gateway/testing`
// (package.json `exports`) resolve to src/ instead of the dist/ a checkout does not have.
// Plugins in plugins/ import the API by that name, as a published plugin does. The same
// condition is given to mocha (.mocharc.json) and to tsc (tsconfig.json customConditions).
const CONDITION = 'llm-gateway-source';

export async function resolve(specifier, context, nextResolve) {
  if (context.conditions.includes(CONDITION)) return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, CONDITION] });
}
