// Loads the TypeScript of a worker process (plan/worker.ts, bench/baselineWorker.ts): ts-node,
// transpile only, with SWC as its transpiler (https://typestrong.org/ts-node/docs/swc/). A render
// process loads about 60 modules of b2b-dr; SWC transpiles them in a fraction of the TypeScript
// compiler's time (docs/plan-engine.md has the figures). Type checking is `npm run typecheck`'s job.
//
// Only the workers use it: `pulumi up` loads index.ts through Pulumi's language host with the
// TypeScript compiler, and a test renders a stack both ways and compares the plan files.
require("ts-node").register({ transpileOnly: true, swc: true });
