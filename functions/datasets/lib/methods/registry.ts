/**
 * THE registry of generation methods: /generate/list_method, the request validation and the workers
 * all read it. Ids and names are the original platform's (clients store them).
 */
import { AUGMENTATION_METHODS } from './augmentation';
import { PREPROCESSING_METHODS } from './preprocessing';
import type { MethodKind, MethodSpec } from './types';

export const METHODS: readonly MethodSpec[] = [...AUGMENTATION_METHODS, ...PREPROCESSING_METHODS];
const BY_ID = new Map(METHODS.map((m) => [m.method_id, m]));

/** @returns the method with this id, or undefined */
export const methodById = (id: string): MethodSpec | undefined => BY_ID.get(id);

/** Methods PRE-001 (grayscale) keeps beside itself; it drops every other preprocessing method. */
export const GRAYSCALE_KEEPS = ['PRE-000', 'PRE-001', 'PRE-009'] as const;

/** One row of /generate/list_method. */
export interface MethodListing {
  method_id: string;
  method_name: string;
  description: string;
  parameters: MethodSpec['ranges'];
}

/** /generate/list_method's data: every method by kind, in id order, with what it does and its ranges. */
export function listMethods(): { augmentation: MethodListing[]; preprocessing: MethodListing[] } {
  const rows = (kind: MethodKind) => METHODS.filter((m) => m.kind === kind)
    .map((m) => ({ method_id: m.method_id, method_name: m.method_name, description: m.description, parameters: m.ranges }));
  return { augmentation: rows('augmentation'), preprocessing: rows('preprocessing') };
}

/** Why a method selection is refused (the route answers 400 with the message). */
export class MethodSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MethodSelectionError';
  }
}

/** A validated selection: which kind of task, the methods that run (in the order they run), and those dropped. */
export interface MethodSelection {
  kind: MethodKind;
  methods: MethodSpec[];
  /** Ids dropped by the grayscale rule. */
  dropped: string[];
}

/**
 * Validates a task's `ls_method_id` for its source `dataType` and applies the original platform's
 * rules: all ids known, no id twice, all PRE or all AUG, no preprocessing of PREPROCESS data; with
 * PRE-001 only PRE-000 and PRE-009 run beside it. Preprocessing runs in id order (orientation first,
 * upscale last); augmentation keeps the client's order (outputs cycle through it).
 * @throws MethodSelectionError naming the problem
 */
export function selectMethods(ids: readonly string[], dataType: 'ORIGINAL' | 'PREPROCESS'): MethodSelection {
  if (!ids.length) throw new MethodSelectionError('ls_method_id must name at least one method');
  const unknown = ids.filter((id) => !BY_ID.has(id));
  if (unknown.length) throw new MethodSelectionError(`Unknown method id(s): ${unknown.join(', ')} (see /generate/list_method)`);
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length) throw new MethodSelectionError(`Method id(s) given twice: ${[...new Set(twice)].join(', ')}`);
  const methods = ids.map((id) => BY_ID.get(id)!);
  const kinds = new Set(methods.map((m) => m.kind));
  if (kinds.size > 1) throw new MethodSelectionError('A task either preprocesses (PRE-xxx) or augments (AUG-xxx): do not mix them');
  const kind = methods[0]!.kind;
  if (kind === 'augmentation') return { kind, methods, dropped: [] };
  if (dataType === 'PREPROCESS') throw new MethodSelectionError('PREPROCESS data is already preprocessed: preprocess ORIGINAL data, or augment PREPROCESS data');
  const sorted = [...methods].sort((a, b) => a.method_id.localeCompare(b.method_id));
  if (!ids.includes('PRE-001')) return { kind, methods: sorted, dropped: [] };
  const keeps = new Set<string>(GRAYSCALE_KEEPS);
  return { kind, methods: sorted.filter((m) => keeps.has(m.method_id)), dropped: sorted.filter((m) => !keeps.has(m.method_id)).map((m) => m.method_id) };
}
