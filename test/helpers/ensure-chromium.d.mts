// Types for ensure-chromium.mjs (plain JavaScript, so the test runner can use it before tsx).
export const CHROMIUM: string;
export const PACKAGES: string[];
export const INSTALL: string;
export function missingPackages(): string[];
export function ensureChromium(options?: { log?: (text: string) => void; exit?: (code: number) => never | boolean }): boolean;
