// The browser tests drive Debian's Chromium (/usr/bin/chromium) and its fonts. On a
// fresh machine they are not there: as root with apt-get, install them (what
// .ci/run does); otherwise stop at once with the one command that installs them,
// instead of failing deep inside playwright.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
/** Chromium, and fonts so text (and screenshots) render the same everywhere: DejaVu covers ᾱ, ε̂, √, ⋯. */
export const PACKAGES = ['chromium', 'fontconfig', 'fonts-dejavu-core'];
export const INSTALL = `apt-get update && apt-get install -y ${PACKAGES.join(' ')}`;

/** What is missing: Chromium itself, or the DejaVu fonts (found through fontconfig). */
export function missingPackages() {
  const need = [];
  if (!existsSync(CHROMIUM)) need.push('chromium');
  const fonts = spawnSync('fc-list', [], { encoding: 'utf8' });
  if (fonts.error) need.push('fontconfig');
  if (fonts.error || !/DejaVuSans\.ttf/.test(fonts.stdout ?? '')) need.push('fonts-dejavu-core');
  return need;
}

export function ensureChromium({ log = console.log, exit = (code) => process.exit(code) } = {}) {
  const need = missingPackages();
  if (need.length === 0) return true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    log(`The browser tests need Debian's ${need.join(', ')}, which this machine lacks. Install ${need.length > 1 ? 'them' : 'it'} with:\n\n  sudo sh -c '${INSTALL}'\n\nthen run the tests again.`);
    return exit(2);
  }
  log(`The browser tests need ${need.join(', ')}: installing with apt-get (as root)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const cmd of [['apt-get', ['update', '-q']], ['apt-get', ['install', '-y', '-q', ...need]]]) {
    const r = spawnSync(cmd[0], cmd[1], { stdio: 'inherit', env });
    if (r.status !== 0) {
      log(`\`${cmd[0]} ${cmd[1].join(' ')}\` failed (exit ${r.status}). Install by hand with:\n\n  ${INSTALL}\n`);
      return exit(2);
    }
  }
  if (missingPackages().length) {
    log(`Still missing after apt-get: ${missingPackages().join(', ')}. Install by hand with:\n\n  ${INSTALL}\n`);
    return exit(2);
  }
  return true;
}
