/**
 * Require hook that lets a child `node` process run the TypeScript sources directly (test servers
 * started by ./server-process.ts): each .ts file is transpiled with typescript.transpileModule
 * (transpile-only, like ts-jest; `npm run typecheck` checks types). Output is cached on disk under a
 * key made of the file's path, its exact content, the TypeScript version and the compiler options, so
 * an edited source is always recompiled and a stale output can never be used; concurrent processes
 * write cache entries atomically (temp file + rename).
 *
 *   node -r ./test/support/ts-hook.js src/main.ts
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'CommonJS',
  esModuleInterop: true,
  resolveJsonModule: true,
  isolatedModules: true,
  inlineSourceMap: true,
  inlineSources: false,
};
const TS_VERSION = require('typescript/package.json').version;
const CACHE_DIR = process.env.MOTCUA_TS_CACHE_DIR || path.join(os.tmpdir(), 'motcua-ts-cache');
const OPTIONS_KEY = `${TS_VERSION}\0${JSON.stringify(COMPILER_OPTIONS)}`;

let ts = null;
let convertedOptions = null;
function transpile(source, filename) {
  if (!ts) {
    ts = require('typescript');
    convertedOptions = ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS, process.cwd()).options;
  }
  const out = ts.transpileModule(source, { compilerOptions: convertedOptions, fileName: filename, reportDiagnostics: false });
  return out.outputText;
}

function compiled(source, filename) {
  const key = crypto.createHash('sha256').update(`${OPTIONS_KEY}\0${filename}\0${source}`).digest('hex');
  const file = path.join(CACHE_DIR, key.slice(0, 2), `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    const js = transpile(source, filename);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, js);
      fs.renameSync(tmp, file);
    } catch {
      // an unwritable cache only costs speed
    }
    return js;
  }
}

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(compiled(fs.readFileSync(filename, 'utf8'), filename), filename);
};

// Stack traces point into the .ts sources (inline source maps).
process.setSourceMapsEnabled(true);
