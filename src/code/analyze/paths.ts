/**
 * Paths in a string that name credentials (to read) or places outside the package that run or
 * configure things (to write): matched case-insensitively with backslashes read as slashes, each
 * name as a whole path component ('.npmrc', not 'project.npmrc').
 */

/** A path component begins at the start, after a separator, '~', whitespace or a quote. */
const B = String.raw`(?<![\w.$-])`;
/** ...and ends at the end, a separator, or anything but a name character. */
const E = String.raw`(?![\w-])`;

type Rule = readonly [detail: string, pattern: RegExp];

function rule(detail: string, source: string): Rule {
  return [detail, new RegExp(source)];
}

/** Credential stores, with the coarse name each is reported as. */
const CREDENTIALS: readonly Rule[] = [
  rule('.npmrc', `${B}\\.npmrc${E}`),
  rule('.yarnrc', `${B}\\.yarnrc${E}`),
  rule('.ssh', `${B}(?:\\.ssh(?:/|$)|id_(?:rsa|dsa|ecdsa|ed25519)${E}|authorized_keys${E})`),
  rule('.aws', `${B}\\.aws(?:/|$)`),
  rule('git-credentials', `${B}\\.git-credentials${E}`),
  rule('gh-hosts', `${B}\\.config/gh/hosts\\.yml`),
  rule('docker-config', `${B}\\.docker/config\\.json`),
  rule('kube-config', `${B}\\.kube/config${E}`),
  rule('.netrc', `${B}[._]netrc${E}`),
  rule('.env', `${B}\\.env(?!\\.(?:example|sample|template|dist)${E})(?:\\.[\\w.-]+)?(?![\\w-])`),
  rule(
    'wallet',
    [
      'ethereum/keystore',
      'electrum/wallets',
      '/exodus(?:/|$)|exodus\\.wallet',
      'wallet\\.dat',
      'solana/id\\.json',
      // browser wallet extensions: MetaMask, Phantom, Coinbase Wallet, TronLink, Binance Wallet
      'nkbihfbeogaeaoehlefnkodbefgpgknn|bfnaelmomeimhlpmgjnjophhpkkoljpa|hnfanknocfeofbddgcijnmhnfnkdnaad',
      'ibnejdfjmmkpcnlpebklmnkoeoihofec|fhbohimaelbohpjbbldcngcnapndodjp',
    ].join('|'),
  ),
  rule(
    'browser-profile',
    [
      '(?:chrome|chromium|edge|brave-browser)/user data',
      'bravesoftware',
      'firefox/profiles',
      '\\.mozilla/firefox',
      '\\.config/(?:google-chrome|chromium)',
      `/login data${E}`,
      `(?:default|profile \\d+)/(?:network/)?cookies${E}`,
    ].join('|'),
  ),
];

/** Places where a write persists or reconfigures something outside the package. */
const OUTSIDE: readonly Rule[] = [
  rule(
    'shell-profile',
    [
      `${B}\\.(?:bashrc|zshrc|zshenv|zprofile|profile|bash_profile|bash_login)${E}`,
      '/etc/(?:profile|bash\\.bashrc|zshrc|zsh/)',
      '\\.config/fish/config\\.fish',
      'microsoft\\.powershell_profile\\.ps1',
      'documents/(?:windows)?powershell/profile\\.ps1',
    ].join('|'),
  ),
  rule('github-workflow', `${B}\\.github/workflows(?:/|$)`),
  rule('git-hook', `${B}\\.git/hooks(?:/|$)`),
  rule('editor-settings', `${B}\\.vscode/(?:settings|tasks|launch)\\.json|code/user/settings\\.json`),
  rule('agent-settings', `${B}(?:\\.(?:cursor|claude|gemini|codex|windsurf|amazonq)(?:/|$)|\\.claude\\.json${E})`),
  rule('crontab', `${B}crontab${E}|/var/spool/cron|/etc/cron`),
  rule(
    'autostart',
    [
      '\\.config/autostart',
      '\\.config/systemd/user',
      '/etc/systemd/',
      'library/launch(?:agents|daemons)',
      'start menu/programs/startup',
      'currentversion/run(?:once)?(?![\\w-])',
    ].join('|'),
  ),
  rule('etc', `(?:^|[\\s'"=:(])/etc/(?!profile|bash\\.bashrc|zshrc|zsh/|cron|systemd/)`),
];

/** The coarse credential-store names and write targets a string's paths mention. */
export function pathHits(value: string): { credentials: string[]; outside: string[] } {
  const path = value.replace(/\\+/g, '/').toLowerCase();
  const matching = (rules: readonly Rule[]) => rules.filter(([, pattern]) => pattern.test(path)).map(([detail]) => detail);
  return { credentials: matching(CREDENTIALS), outside: matching(OUTSIDE) };
}
