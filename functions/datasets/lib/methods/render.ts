/**
 * Renders one output: decode the source, apply its methods in order with their parameters, encode.
 * Every output records the methods and their exact parameters; replaying a record gives the same bytes.
 */
import { decode, encode, settle, type Encoded, type Frame } from './frame';
import { seededRandom } from './prng';
import { methodById } from './registry';
import type { AppliedMethod, MethodSpec, ReferenceTarget } from './types';

/** One output to render. */
export interface OutputPlan {
  methods: MethodSpec[];
  /** Seed of this output's draws (e.g. `<task seed>/<source file>/<index>`). */
  seed: string;
  /** Reference targets by method id (normalising preprocessing). */
  references?: Record<string, ReferenceTarget>;
}

/** A rendered output and what made it. */
export interface Rendered extends Encoded {
  applied: AppliedMethod[];
}

async function run(frame: Frame, steps: Array<{ method: MethodSpec; params?: AppliedMethod['params'] }>, plan?: OutputPlan) {
  const applied: AppliedMethod[] = [];
  const random = seededRandom(plan?.seed ?? '');
  for (const [i, step] of steps.entries()) {
    if (i > 0) frame = await settle(frame);
    const params = step.params ?? await step.method.parameters(frame, { random, reference: plan?.references?.[step.method.method_id] });
    frame = await step.method.apply(frame, params);
    applied.push({ method_id: step.method.method_id, method_name: step.method.method_name, params });
  }
  return { frame, applied };
}

/**
 * Renders an output of `source` by `plan`.
 * @throws UndecodableImageError when the source is not a decodable image
 */
export async function renderOutput(source: Buffer, plan: OutputPlan): Promise<Rendered> {
  const { frame, format } = await decode(source);
  const result = await run(frame, plan.methods.map((method) => ({ method })), plan);
  return { ...await encode(result.frame, format), applied: result.applied };
}

/**
 * Renders `source` again with recorded methods and parameters (what an output's record holds).
 * @throws Error for an unknown method id; UndecodableImageError for an undecodable source
 */
export async function replayOutput(source: Buffer, applied: AppliedMethod[]): Promise<Rendered> {
  const { frame, format } = await decode(source);
  const steps = applied.map((a) => {
    const method = methodById(a.method_id);
    if (!method) throw new Error(`unknown method ${a.method_id}`);
    return { method, params: a.params };
  });
  const result = await run(frame, steps);
  return { ...await encode(result.frame, format), applied: result.applied };
}
