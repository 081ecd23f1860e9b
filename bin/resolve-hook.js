// Module resolution hook registered by bin/ts-play.js. Every `import 'ts-play'` of a run
// (playbooks, roles, a role from a package of its own) is the engine the process already runs:
// one module graph, so `instanceof TsPlayError` holds across the boundary. Left to themselves,
// tsx maps the name through tsconfig's paths to src/ and Node through package.json's exports,
// which would be a second copy of the engine next to the one running.
let entry;

export function initialize(data) {
  entry = data.entry;
}

export async function resolve(specifier, context, next) {
  // Passed down the chain rather than answered here: tsx loads only what it resolved itself.
  return next(specifier === 'ts-play' ? entry : specifier, context);
}
