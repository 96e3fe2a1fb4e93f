/**
 * Enforces the layering of DESIGN.md ("Arrows point inward: server, cli → engine → store, core;
 * store → core; core → nothing") by reading the source files and resolving their imports.
 *
 * The checker is a pure function over `{ path, text }` records so that it can be run on an
 * in-memory fixture as well: the first test proves it reports violations, so the suite cannot
 * pass silently by checking nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const SOURCE_EXTENSIONS = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIPPED_DIR_NAMES = new Set(['node_modules', 'dist', '.git']);
const SKIPPED_PATHS = new Set(['bench/results', 'web/dist']);

/** Layers of `src/`, innermost first. */
type Layer = 'core' | 'store' | 'engine' | 'server' | 'cli' | 'main' | 'src' | 'web' | 'other';

type Rule =
  | 'core-imports'
  | 'core-hidden-clock'
  | 'store-imports'
  | 'engine-imports'
  | 'edge-drivers'
  | 'web-imports'
  | 'focused-tests';

interface SourceFile {
  /** Repository-relative path with forward slashes, e.g. `src/core/money.ts`. */
  path: string;
  text: string;
}

interface ImportRef {
  specifier: string;
  line: number;
}

interface Violation {
  rule: Rule;
  file: string;
  line: number;
  /** The offending import specifier or source snippet. */
  what: string;
  reason: string;
}

const IO_PACKAGES = new Set(['better-sqlite3', 'pg', 'kysely', 'fastify', 'pino', 'commander']);
const DRIVER_PACKAGES = new Set(['better-sqlite3', 'pg', 'kysely']);
const BUILTINS = new Set(builtinModules);

/**
 * Ambient clock, randomness and environment: domain code takes `now` and ids as parameters
 * (DESIGN.md invariant 7). `Date(` with no arguments covers `new Date()` and `Date()`.
 */
const HIDDEN_CLOCK: ReadonlyArray<[RegExp, string]> = [
  [/(?<![\w$.])Date\.now\s*\(/, 'Date.now()'],
  [/(?<![\w$.])Date\s*\(\s*\)/, 'new Date() without arguments'],
  [/(?<![\w$.])Math\.random\s*\(/, 'Math.random()'],
  [/(?<![\w$.])performance\.now\s*\(/, 'performance.now()'],
  [/(?<![\w$.])crypto\.(?:randomUUID|getRandomValues)\s*\(/, 'global crypto randomness'],
  [/(?<![\w$.])process\.(?:env|hrtime)\b/, 'process.env / process.hrtime'],
];

/** A focused test: `it`, `describe`, `test` (also `.concurrent`, `.each`) followed by `.only`. */
const FOCUSED_TEST = /(?<![\w$.])(?:it|test|describe|suite|bench)(?:\.\w+)*?\.only\b/;

const isTestFile = (path: string): boolean => /\.(?:test|spec)\.[cm]?[jt]sx?$/.test(path);

/**
 * Blanks comment lines (keeping line numbers): lines starting with `//`, `*` or `/*`, and the
 * inside of multi-line block comments. Trailing comments after code are kept.
 */
function blankComments(text: string): string {
  let inBlock = false;
  return text
    .split('\n')
    .map((raw) => {
      let line = raw;
      if (inBlock) {
        const end = line.indexOf('*/');
        if (end === -1) return '';
        inBlock = false;
        line = line.slice(end + 2);
      }
      const trimmed = line.trimStart();
      if (trimmed.startsWith('//') || trimmed.startsWith('*')) return '';
      if (trimmed.startsWith('/*')) {
        const end = trimmed.indexOf('*/', 2);
        if (end === -1) {
          inBlock = true;
          return '';
        }
        return trimmed.slice(end + 2);
      }
      return line;
    })
    .join('\n');
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Import specifiers of one file: `import … from '…'`, `export … from '…'`, `import '…'`,
 * `import type …`, and `import('…')` (including `typeof import('…')`). Comment lines are ignored.
 */
function parseImports(source: string): ImportRef[] {
  const text = blankComments(source);
  const patterns = [
    // Static import/export with a `from` clause; may span lines (`[^;'"`]` stops at the end of a statement).
    /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\1/gm,
    // Side-effect import: import './x.js';
    /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm,
    // Dynamic import with a literal specifier.
    /(?<![\w$.])import\s*\(\s*(['"`])([^'"`\n]+)\1\s*[,)]/g,
  ];
  const found = new Map<string, ImportRef>();
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const specifier = m[2]!;
      const line = lineAt(text, m.index + m[0].lastIndexOf(specifier));
      found.set(`${line}:${specifier}`, { specifier, line });
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line);
}

function layerOf(path: string): Layer {
  // The app is web/src; web/generate-api-types.ts is a build tool that asks the server for its OpenAPI.
  if (path.startsWith('web/src/')) return 'web';
  if (!path.startsWith('src/') && path !== 'src') return 'other';
  const m = /^src\/(core|store|engine|server|cli)(?:\/|$|\.)/.exec(path);
  if (m) return m[1] as Layer;
  if (/^src\/main(?:\.|$)/.test(path)) return 'main';
  return 'src';
}

type Target =
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string }
  | { kind: 'file'; path: string; layer: Layer };

/** Resolves a specifier from `fromPath` to a builtin, a package name or a repository path. */
function resolveImport(fromPath: string, specifier: string): Target {
  if (specifier.startsWith('node:')) return { kind: 'builtin', name: specifier };
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const path = specifier.startsWith('/')
      ? posix.normalize(specifier.slice(1))
      : posix.normalize(posix.join(posix.dirname(fromPath), specifier));
    return { kind: 'file', path, layer: layerOf(path) };
  }
  if (BUILTINS.has(specifier)) return { kind: 'builtin', name: specifier };
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  if (BUILTINS.has(name)) return { kind: 'builtin', name: specifier };
  return { kind: 'package', name };
}

/** Which `src/` layers each layer may import (besides packages). */
const ALLOWED_SRC_TARGETS: Partial<Record<Layer, ReadonlySet<Layer>>> = {
  core: new Set(['core']),
  store: new Set(['store', 'core']),
  engine: new Set(['engine', 'store', 'core']),
};

const RULE_OF_LAYER: Partial<Record<Layer, Rule>> = {
  core: 'core-imports',
  store: 'store-imports',
  engine: 'engine-imports',
};

/** Checks every rule over a set of files; pure, so it runs on fixtures too. */
function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const add = (rule: Rule, line: number, what: string, reason: string) =>
      violations.push({ rule, file: file.path, line, what, reason });
    const code = blankComments(file.text);

    code.split('\n').forEach((text, i) => {
      const m = FOCUSED_TEST.exec(text);
      if (m) add('focused-tests', i + 1, m[0], 'focused test left in');
    });

    // Tests may import anything (fixtures, drivers, internals).
    if (isTestFile(file.path)) continue;

    const layer = layerOf(file.path);
    if (layer === 'core') {
      code.split('\n').forEach((text, i) => {
        for (const [pattern, label] of HIDDEN_CLOCK) {
          const m = pattern.exec(text);
          if (m) add('core-hidden-clock', i + 1, m[0], `${label}: take now/ids as parameters`);
        }
      });
    }

    for (const ref of parseImports(file.text)) {
      const target = resolveImport(file.path, ref.specifier);
      const allowed = ALLOWED_SRC_TARGETS[layer];
      const layerRule = RULE_OF_LAYER[layer];

      if (layer === 'core') {
        if (target.kind === 'builtin') {
          add('core-imports', ref.line, ref.specifier, 'Node builtin in pure core');
        } else if (target.kind === 'package' && IO_PACKAGES.has(target.name)) {
          add('core-imports', ref.line, ref.specifier, 'I/O package in pure core');
        }
      }
      if (allowed && layerRule && target.kind === 'file' && target.path.startsWith('src/')) {
        if (!allowed.has(target.layer)) {
          add(layerRule, ref.line, ref.specifier, `${layer} must not import ${target.layer}`);
        }
      }
      if (
        (layer === 'server' || layer === 'cli') &&
        target.kind === 'package' &&
        DRIVER_PACKAGES.has(target.name)
      ) {
        add('edge-drivers', ref.line, ref.specifier, `${layer} must go through src/engine`);
      }
      if (layer === 'web') {
        const intoSrc =
          (target.kind === 'file' && (target.path === 'src' || target.path.startsWith('src/'))) ||
          (target.kind === 'package' && target.name === 'tandem');
        if (intoSrc) {
          add('web-imports', ref.line, ref.specifier, 'web talks to the public API only');
        }
      }
    }
  }
  return violations;
}

function walk(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    const child = join(abs, entry.name);
    const rel = relative(ROOT, child).split(sep).join('/');
    if (entry.isDirectory()) {
      if (!SKIPPED_DIR_NAMES.has(entry.name) && !SKIPPED_PATHS.has(rel)) out.push(...walk(rel));
    } else if (entry.isFile() && SOURCE_EXTENSIONS.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

function load(paths: readonly string[]): SourceFile[] {
  return paths.map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

const format = (vs: readonly Violation[]): string[] =>
  vs.map((v) => `${v.file}:${v.line}: ${v.what} — ${v.reason}`);

const webExists = existsSync(join(ROOT, 'web'));
const files = load([...walk('src'), ...walk('test'), ...walk('bench'), ...walk('web')]);
const violations = checkArchitecture(files);

function offending(rule: Rule): string[] {
  return format(violations.filter((v) => v.rule === rule));
}

function expectClean(rule: Rule): void {
  const list = offending(rule);
  expect(list, `${rule} violations:\n${list.join('\n')}`).toEqual([]);
}

describe('architecture', () => {
  it('the checker reports violations on an in-memory fixture (self-test)', () => {
    const only = ['it', 'only'].join('.');
    const fixture: SourceFile[] = [
      {
        path: 'src/core/bad.ts',
        text: [
          "import { readFileSync } from 'node:fs';",
          "import path from 'path';",
          'import {',
          '  Kysely,',
          "} from 'kysely';",
          "import type { Db } from '../store/db.js';",
          "export { x } from '../engine/x.js';",
          '// import ignored from "node:crypto";',
          '/**',
          " * import alsoIgnored from 'node:http'; Date.now()",
          ' */',
          'export const t = Date.now();',
          'export const d = new Date();',
          'export const ok = new Date(0);',
          'export const r = Math.random();',
          "export const lazy = () => import('../cli/main.js');",
        ].join('\n'),
      },
      { path: 'src/core/fine.ts', text: "import { z } from 'zod';\nimport { a } from './a.js';" },
      { path: 'src/store/bad.ts', text: "import { run } from '../engine/run.js';" },
      { path: 'src/engine/bad.ts', text: "import { app } from '../server/app.js';" },
      {
        path: 'src/engine/fine.ts',
        text: "import { Kysely } from 'kysely';\nimport '../store/db.js';",
      },
      { path: 'src/server/bad.ts', text: "import Database from 'better-sqlite3';" },
      { path: 'src/cli/bad.ts', text: "import pg from 'pg';" },
      { path: 'web/src/bad.ts', text: "import { money } from '../../src/core/money.js';" },
      { path: 'web/src/fine.ts', text: "import type { paths } from './api/schema.js';" },
      { path: 'src/core/x.test.ts', text: `import fs from 'node:fs';\n${only}('x', () => {});` },
    ];
    const found = format(checkArchitecture(fixture)).sort();
    const clock = ': take now/ids as parameters';
    expect(found).toEqual(
      [
        'src/core/bad.ts:1: node:fs — Node builtin in pure core',
        'src/core/bad.ts:2: path — Node builtin in pure core',
        'src/core/bad.ts:5: kysely — I/O package in pure core',
        'src/core/bad.ts:6: ../store/db.js — core must not import store',
        'src/core/bad.ts:7: ../engine/x.js — core must not import engine',
        `src/core/bad.ts:12: Date.now( — Date.now()${clock}`,
        `src/core/bad.ts:13: Date() — new Date() without arguments${clock}`,
        `src/core/bad.ts:15: Math.random( — Math.random()${clock}`,
        'src/core/bad.ts:16: ../cli/main.js — core must not import cli',
        'src/store/bad.ts:1: ../engine/run.js — store must not import engine',
        'src/engine/bad.ts:1: ../server/app.js — engine must not import server',
        'src/server/bad.ts:1: better-sqlite3 — server must go through src/engine',
        'src/cli/bad.ts:1: pg — cli must go through src/engine',
        'web/src/bad.ts:1: ../../src/core/money.js — web talks to the public API only',
        `src/core/x.test.ts:2: ${only} — focused test left in`,
      ].sort(),
    );
  });

  it('parses static, re-export, side-effect, type-only and dynamic imports, skipping comments', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from '../b/index.js';",
      'import {',
      '  c,',
      '  d,',
      "} from 'pkg-c';",
      "export * from './e.js';",
      "export { f } from '@scope/f/sub';",
      "import './g.js';",
      "const h = await import('./h.js');",
      "type I = typeof import('./i.js');",
      "// import j from './j.js';",
      "/* import k from './k.js'; */",
      "const s = Array.from('xyz');",
    ].join('\n');
    expect(parseImports(text)).toEqual([
      { specifier: './a.js', line: 1 },
      { specifier: '../b/index.js', line: 2 },
      { specifier: 'pkg-c', line: 6 },
      { specifier: './e.js', line: 7 },
      { specifier: '@scope/f/sub', line: 8 },
      { specifier: './g.js', line: 9 },
      { specifier: './h.js', line: 10 },
      { specifier: './i.js', line: 11 },
    ]);
    expect(resolveImport('src/engine/x.ts', '../store/db.js')).toEqual({
      kind: 'file',
      path: 'src/store/db.js',
      layer: 'store',
    });
    expect(resolveImport('src/core/x.ts', 'fs/promises')).toEqual({
      kind: 'builtin',
      name: 'fs/promises',
    });
    expect(resolveImport('src/core/x.ts', 'kysely/helpers/postgres')).toEqual({
      kind: 'package',
      name: 'kysely',
    });
  });

  it('walks the real source tree', () => {
    const core = files.filter((f) => f.path.startsWith('src/core/') && !isTestFile(f.path));
    expect(core.length, 'no source files found in src/core').toBeGreaterThan(0);
    const imports = files.reduce((n, f) => n + parseImports(f.text).length, 0);
    expect(imports, 'no imports parsed at all: the parser is broken').toBeGreaterThan(0);
  });

  it('src/core imports no Node builtins, I/O packages or outer layers', () => {
    expectClean('core-imports');
  });

  it('src/core has no hidden clock, randomness or environment', () => {
    expectClean('core-hidden-clock');
  });

  it('src/store does not import src/engine, src/server or src/cli', () => {
    expectClean('store-imports');
  });

  it('src/engine does not import src/server or src/cli', () => {
    expectClean('engine-imports');
  });

  it('src/server and src/cli never import the database driver or query builder', () => {
    expectClean('edge-drivers');
  });

  it('web/ imports nothing from src/ (only its generated API client under web/src/api)', () => {
    const webFiles = files.filter((f) => f.path.startsWith('web/src/'));
    // The check ran either way: without web/ there is nothing to scan, with it there are files.
    expect(webExists ? webFiles.length > 0 : webFiles.length === 0).toBe(true);
    expectClean('web-imports');
  });

  it('no focused tests are left in', () => {
    expectClean('focused-tests');
  });
});
