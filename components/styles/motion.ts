// The reader's motion preference, for code that animates (a clip that plays by
// itself, a smooth scroll); CSS asks `@media (prefers-reduced-motion: reduce)` itself.

/** Whether the reader asked for less motion (false where there is no matchMedia: Node). */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
