/**
 * The model registry: register a scorecard document as the next version of a purpose, activate
 * one version per purpose (the one the scorer uses), list and read them.
 */
import { ModelError, parseModel } from '../../domain/scoring/model.ts';
import { invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import type { ModelStore, ModelSummary, StoredModel } from './ports.ts';

/** A purpose: a short identifier such as `early_warning` or `collection`. */
export const PURPOSE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export interface RegisterInput {
  purpose: string;
  by: string;
  note?: string | null | undefined;
  /** Make it the active version of the purpose at once. */
  activate?: boolean | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function purposeErrors(purpose: unknown): ErrorDetail[] {
  return typeof purpose === 'string' && PURPOSE_PATTERN.test(purpose)
    ? []
    : [
        {
          at: 'purpose',
          reason: `${JSON.stringify(purpose)} is not a purpose (a-z, 0-9 and _, starting with a letter, at most 40)`,
        },
      ];
}

function byErrors(by: unknown): ErrorDetail[] {
  return typeof by === 'string' && by.trim() !== '' ? [] : [{ at: 'by', reason: 'is required' }];
}

function checkPurpose(purpose: string): void {
  const errors = purposeErrors(purpose);
  if (errors.length > 0) throw invalid('the purpose is not valid', errors);
}

/** What is wrong with a scorecard document, by field; empty when it can be registered. */
export function modelDocumentErrors(document: unknown): ErrorDetail[] {
  if (!isObject(document)) return [{ at: 'document', reason: 'is not a JSON object' }];
  const errors: ErrorDetail[] = [];
  try {
    parseModel(document);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    errors.push({ at: e.path ?? 'document', reason: e.reason });
  }
  const fp = fingerprintOf(document);
  if (fp !== null && typeof fp !== 'string')
    errors.push({ at: 'data.fingerprint', reason: 'is not a string' });
  return errors;
}

/** `data.fingerprint` as it is in the document; null when absent. */
function fingerprintOf(document: Record<string, unknown>): unknown {
  return isObject(document.data) ? (document.data.fingerprint ?? null) : null;
}

/** Registers the document as the next version of the purpose (and activates it if asked). */
export async function registerModel(
  store: ModelStore,
  document: unknown,
  input: RegisterInput,
): Promise<StoredModel> {
  const errors = [
    ...purposeErrors(input.purpose),
    ...byErrors(input.by),
    ...modelDocumentErrors(document),
  ];
  if (input.note !== undefined && input.note !== null && typeof input.note !== 'string')
    errors.push({ at: 'note', reason: 'is not a string' });
  if (errors.length > 0) throw invalid('the model is not valid', errors);
  const doc = document as Record<string, unknown>;
  const note = input.note?.trim() ? input.note : null;
  return store.register({
    purpose: input.purpose,
    name: doc.name as string,
    document: doc,
    fingerprint: (fingerprintOf(doc) as string | null) ?? null,
    by: input.by.trim(),
    note,
    activate: input.activate === true,
  });
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1)
    throw invalid('the version is not valid', [
      { at: 'version', reason: `${String(version)} is not a version number` },
    ]);
}

/** Makes the version the active one of its purpose; the one active before is deactivated. */
export async function activateModel(
  store: ModelStore,
  purpose: string,
  version: number,
  by: string,
): Promise<StoredModel> {
  const errors = [...purposeErrors(purpose), ...byErrors(by)];
  if (errors.length > 0) throw invalid('the activation is not valid', errors);
  checkVersion(version);
  const m = await store.activate(purpose, version, by.trim());
  if (!m) throw notFound(`model ${purpose} v${version}`);
  return m;
}

/** Leaves the purpose without an active model; returns the one deactivated (null: none was). */
export async function deactivateModel(
  store: ModelStore,
  purpose: string,
  by: string,
): Promise<StoredModel | null> {
  const errors = [...purposeErrors(purpose), ...byErrors(by)];
  if (errors.length > 0) throw invalid('the deactivation is not valid', errors);
  return store.deactivate(purpose, by.trim());
}

/** Summaries (no documents) of every version, of one purpose or all. */
export async function listModels(store: ModelStore, purpose?: string): Promise<ModelSummary[]> {
  if (purpose !== undefined) checkPurpose(purpose);
  return store.list(purpose);
}

export async function getModel(
  store: ModelStore,
  purpose: string,
  version: number,
): Promise<StoredModel> {
  checkPurpose(purpose);
  checkVersion(version);
  const m = await store.get(purpose, version);
  if (!m) throw notFound(`model ${purpose} v${version}`);
  return m;
}

/** The active model of the purpose, or null when it has none. */
export async function activeModel(store: ModelStore, purpose: string): Promise<StoredModel | null> {
  checkPurpose(purpose);
  return store.active(purpose);
}
