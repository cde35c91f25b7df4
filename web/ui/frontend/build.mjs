// Builds the browser app into ../dist for go:embed: one bundle per page (src/pages/*.js, each
// importing its CSS), content-hashed names, a manifest.json mapping logical names to hashed
// ones, and a gzip copy of every text asset (the server sends it when the browser accepts it).
// Run by scripts/setup.sh after `npm ci`; `node build.mjs` alone rebuilds.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';
import { join, basename, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist');
const pages = readdirSync(join(here, 'src', 'pages')).filter((f) => f.endsWith('.js'));
const entries = [...pages.map((p) => join(here, 'src', 'pages', p)), join(here, 'src', 'css', 'app.css')];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, '.gitkeep'), ''); // go:embed needs the folder even before a build

const result = await esbuild.build({
  entryPoints: entries,
  absWorkingDir: here,
  bundle: true,
  splitting: true, // shared code (lib/, echarts) in chunks loaded once for every page
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: ['es2020'],
  outdir: out,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff2': 'file', '.woff': 'file', '.svg': 'file', '.png': 'file' },
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

// manifest: "chiedi.js" -> "chiedi-HASH.js", "app.css" -> "app-HASH.css" (one style sheet for
// every page, cached once), the icon sprite; and for each page the files it downloads (its entry
// and the chunks it imports statically, plus app.css).
const manifest = { files: {}, pages: {} };
const outputs = result.metafile.outputs;
for (const [file, info] of Object.entries(outputs)) {
  const name = relative(out, join(here, file));
  if (info.entryPoint) {
    const logical = basename(info.entryPoint);
    manifest.files[logical] = name;
  }
}
for (const [logical, name] of Object.entries(manifest.files)) {
  if (!logical.endsWith('.js')) continue; // app.css is not a page
  const seen = new Set();
  const walk = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const imp of outputs[relative(here, join(out, f))]?.imports ?? []) {
      if (imp.kind === 'import-statement') walk(relative(out, join(here, imp.path)));
    }
  };
  walk(name);
  manifest.pages[logical.replace(/\.js$/, '')] = { js: [...seen], css: [manifest.files['app.css']] };
}

// The Bootstrap Italia icon sprite, hashed like everything else.
const sprite = readFileSync(join(here, 'node_modules', 'bootstrap-italia', 'dist', 'svg', 'sprites.svg'));
const { createHash } = await import('node:crypto');
const spriteName = `sprites-${createHash('sha256').update(sprite).digest('hex').slice(0, 8).toUpperCase()}.svg`;
writeFileSync(join(out, spriteName), sprite);
manifest.files['sprites.svg'] = spriteName;

for (const f of readdirSync(out)) {
  if (/\.(js|css|svg|json|txt)$/.test(f)) {
    const data = readFileSync(join(out, f));
    if (data.length > 1024) writeFileSync(join(out, f + '.gz'), gzipSync(data, { level: constants.Z_BEST_COMPRESSION }));
  }
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
console.log(`ui: built ${Object.keys(manifest.pages).length} pages into ${relative(process.cwd(), out)}`);
