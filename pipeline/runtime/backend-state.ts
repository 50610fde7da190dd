// The backend choice in the URL (`?backend=wasm`), shared by every chapter:
// results are bit-exact only on the same backend, so a shared link carries it.
// 'auto' (the default, left out of the URL) lets the worker time both and pick.
import { defineSchema, oneOf, readState, writeState, type Problem } from '../url-state';
import { BACKEND_PREFERENCES, type BackendPreference } from './models';

export const backendSchema = defineSchema({
  backend: oneOf(BACKEND_PREFERENCES, 'auto'),
});

export function readBackend(params: URLSearchParams): { backend: BackendPreference; problems: Problem[] } {
  const { state, problems } = readState(backendSchema, params);
  return { backend: state.backend, problems };
}

/** A copy of `params` with the backend set ('auto' removes it). */
export function writeBackend(params: URLSearchParams, backend: BackendPreference): URLSearchParams {
  return writeState(backendSchema, { backend }, params);
}
