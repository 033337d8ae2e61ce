/**
 * What a start-up script does besides handing off to the runtime: the environment it sets (the
 * variables that make the runtime load code first), the network tools it uses, and data it decodes
 * and runs. Read from the script's text without its comments; pure.
 */
import { isHookVariable } from './exec-hook-variable.js';
import type { ScriptLanguage } from './hand-off.js';

export interface ScriptBehaviour {
  /** Variables the script sets for the program it starts (names, in order, once each). */
  sets: string[];
  /** Network tools or libraries it uses, by name. */
  network: string[];
  /** Ways it decodes or evaluates data as code. */
  decodes: string[];
}

/** Variables that change what the runtime itself loads or where it takes its events from. */
const RUNTIME_VARIABLES = new Set([
  '_HANDLER',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'PATH',
  'PYTHONSTARTUP',
  'PYTHONHOME',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'https_proxy',
  'http_proxy',
  'GEM_PATH',
  'GEM_HOME',
  'CLASSPATH',
]);

/** True for a variable that makes the runtime load code, or changes where its code or events come from. */
export function loadsCode(name: string): boolean {
  return isHookVariable(name) || RUNTIME_VARIABLES.has(name);
}

const SETS: Record<ScriptLanguage, RegExp[]> = {
  shell: [
    /(?:^|[\s;])(?:export|declare[ \t]+-\w*x\w*|typeset[ \t]+-\w*x\w*)[ \t]+((?:[A-Za-z_]\w*(?:=\S*)?[ \t]*)+)/gm,
    /(?:^|[\s;])env[ \t]+((?:-\S+[ \t]+)*(?:[A-Za-z_]\w*=\S*[ \t]+)+)/gm,
    /^[ \t]*((?:[A-Za-z_]\w*=\S*[ \t]+)+)(?:exec[ \t]|"?\$)/gm,
  ],
  python: [
    /os\.environ\s*\[\s*['"]([A-Za-z_]\w*)['"]\s*\]\s*=/g,
    /os\.(?:putenv|environ\.setdefault)\s*\(\s*['"]([A-Za-z_]\w*)['"]/g,
    /os\.environ\.update\s*\(\s*(?:\{\s*['"]|\w+\s*=)\s*([A-Za-z_]\w*)/g,
  ],
  ruby: [/ENV\s*\[\s*['"]([A-Za-z_]\w*)['"]\s*\]\s*=/g, /ENV\.store\s*\(\s*['"]([A-Za-z_]\w*)['"]/g],
  perl: [/\$ENV\s*\{\s*['"]?([A-Za-z_]\w*)['"]?\s*\}\s*[.]?=/g],
  node: [
    /process\.env\.([A-Za-z_$][\w$]*)\s*[+]?=(?!=)/g,
    /process\.env\s*\[\s*['"`]([A-Za-z_]\w*)['"`]\s*\]\s*[+]?=(?!=)/g,
  ],
};

const NETWORK: Record<ScriptLanguage, RegExp> = {
  shell:
    /(?:^|[\s;|&(`$])(curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp|sftp|ftp|tftp|rsync|aws\s+s3)\b|(\/dev\/(?:tcp|udp)\/)/gm,
  python: /\b(urllib\d?|requests|http\.client|socket|httpx|aiohttp|ftplib|smtplib|telnetlib|paramiko)\b/g,
  ruby: /(Net::HTTP|open-uri|URI\.open|TCPSocket|UDPSocket|Socket\.|Faraday|HTTParty|RestClient)/g,
  perl: /(IO::Socket|LWP|HTTP::Tiny|Net::\w+|Socket\b)/g,
  node: /(?:require\(\s*|from\s+|import\(\s*)['"`](?:node:)?(https?|net|dgram|tls|http2)['"`]|\b(fetch|WebSocket|XMLHttpRequest)\s*\(/g,
};

const DECODES: Record<ScriptLanguage, RegExp> = {
  // Decoding, or running what a pipe or a substitution brings: a bare `eval` is everyday shell.
  shell:
    /(base64\s+(?:-\w*d\w*|--decode)|xxd\s+-\w*r|openssl\s+(?:enc|base64)\b[^\n]*-d\b|uudecode|\|\s*(?:ba|da|z|k)?sh\s*(?:$|[;&|)])|(?:^|[\s;])(?:source|\.)\s+<\(|(?:ba)?sh\s+-c\s+"?\$\(|eval\s+"?\$\((?:curl|wget))/gm,
  python:
    /(\b(?:exec|eval|compile)\s*\(|base64\.\w*decode|binascii\.\w+|marshal\.loads|pickle\.loads|zlib\.decompress|codecs\.decode|__import__\s*\()/g,
  ruby: /(\beval\s*\(|instance_eval|Base64\.\w*decode\w*|\.unpack1?\s*\(\s*['"]m|Marshal\.load|Zlib::Inflate)/g,
  perl: /(\beval\s*\(?\s*(?:decode|unpack|\$)|decode_base64|\bunpack\s*\(\s*['"]u|Compress::Zlib)/g,
  node: /(\beval\s*\(|new\s+Function\b|\bvm\.\w+|runInNewContext|runInThisContext|Buffer\.from\s*\([^)]*['"](?:base64|hex)['"]|\batob\s*\(|zlib\.\w*(?:inflate|gunzip))/g,
};

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function setNames(code: string, language: ScriptLanguage): string[] {
  const names: string[] = [];
  for (const re of SETS[language])
    for (const m of code.matchAll(re)) {
      const group = m[1] as string;
      if (language === 'shell')
        names.push(...(group.match(/(?:^|\s)[A-Za-z_]\w*(?==|\s|$)/g) ?? []).map((n) => n.trim()));
      else names.push(group);
    }
  return unique(names.filter((n) => n !== '' && !/^-/.test(n)));
}

/** What `code` (comments already removed) does besides its hand-off. */
export function scriptBehaviour(code: string, language: ScriptLanguage): ScriptBehaviour {
  const found = (re: RegExp) =>
    unique([...code.matchAll(re)].map((m) => (m.slice(1).find((g) => g !== undefined) ?? m[0]).trim()));
  return {
    sets: setNames(code, language),
    network: found(NETWORK[language]),
    decodes: found(DECODES[language]),
  };
}
