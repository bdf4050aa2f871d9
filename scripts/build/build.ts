/**
 * `npm run build`: one bundle and zip per manifest function, one zip per layer, in dist/.
 *
 * - dist/functions/<name>.zip: index.js (+ source map), esbuild, minified, tree-shaken, AWS SDK v3 bundled,
 *   Node 22 target, CommonJS. Route schemas are precompiled (scripts/build/schemas.ts).
 *   `@darkroom/jwt` stays external for auth-required functions (the jwt layer provides it) and `sharp` for
 *   functions with the sharp layer; a function that imports sharp without the layer fails the build.
 * - dist/layers/jwt.zip: nodejs/node_modules/@darkroom/jwt/index.js (bundled with aws-jwt-verify). It uses no
 *   AWS SDK, neither bundled nor the runtime's (the build fails if it requires one): see layers/jwt/src/revocations.ts.
 * - dist/layers/sharp.zip: sharp and its linux-x64 binaries (layers/sharp/README.md).
 * - dist/layers/ffmpeg.zip: bin/ffmpeg, the linux-x64 binary of @ffmpeg-installer/ffmpeg, executable (layers/ffmpeg/README.md).
 * - dist/layers/vision.zip: tesseract.js with its WebAssembly core and English model, and OpenCV.js, with
 *   their dependencies (layers/vision/README.md); functions with this layer leave them external.
 * - dist/openapi.json: the API's OpenAPI 3.1 document (scripts/build/openapi.ts).
 * Prints each artefact's size as it is built (`[n/total] ...`). Arguments, if any, are name prefixes: `npm run build -- images- auth-user`
 * builds only the functions whose names start with one of them, and leaves the other zips in dist/ as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { layersOf, loadManifest, ROOT, type FunctionSpec } from '../manifest';
import { openApiDocument } from './openapi';
import { precompiledSchemas } from './schemas';
import { writeZip } from './zip';

const DIST = join(ROOT, 'dist');
const common: BuildOptions = {
  bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: true, sourcemap: 'external',
  legalComments: 'none', logLevel: 'warning', metafile: true,
  // Terraform runs the functions with NODE_OPTIONS=--enable-source-maps (variable source_maps), and Node
  // parses a function's map when it loads the bundle (https://github.com/nodejs/node/issues/38817): a
  // map without the sources' text still maps every stack frame, at a third of the size.
  sourcesContent: false,
  // ES module builds first (the AWS SDK, Smithy and Powertools ship both): esbuild tree-shakes them,
  // which the CommonJS builds defeat; about a quarter off each bundle, and off its cold init.
  mainFields: ['module', 'main'],
  // Bundles validate with precompiled schemas only: this drops the development compiler (and ajv).
  define: { 'process.env.DARKROOM_BUNDLE': '"1"' },
  // Powertools' tracer pulls in aws-xray-sdk-core, which requires optional modules it guards itself.
  external: ['@aws-sdk/client-xray'],
};

/**
 * Packages that read data files next to their own module at run time (`path.join(__dirname, ...)`), by
 * package: the folders to ship. A bundle that includes one gets those folders beside its index.js, which
 * is where the bundled `__dirname` points (/var/task on Lambda). Without them the package finds nothing:
 * @touch4it/ical-timezones then answers no VTIMEZONE at all.
 */
const RUNTIME_FILES: Record<string, string[]> = { '@touch4it/ical-timezones': ['zones'] };

/**
 * Bundles one function into `<dist>/functions/<name>/index.js` and zips it to `<dist>/functions/<name>.zip`.
 * @returns a line for the build report (name, zip size, layers)
 * @throws Error when esbuild fails, or the function imports sharp without the sharp layer
 */
export async function buildFunction(fn: FunctionSpec, dist = DIST): Promise<string> {
  const layers = layersOf(fn);
  const outdir = join(dist, 'functions', fn.name);
  const external = [
    ...common.external!, ...(layers.includes('jwt') ? ['@darkroom/jwt'] : []), ...(layers.includes('sharp') ? ['sharp'] : ['sharp-not-in-layer']),
    ...(layers.includes('vision') ? VISION_EXTERNALS : []),
    // Only required off Lambda (local stack, tests); on Lambda the ffmpeg layer's /opt/bin/ffmpeg is used.
    '@ffmpeg-installer/ffmpeg',
  ];
  const result = await build({
    ...common, entryPoints: { index: join(ROOT, fn.entry) }, outdir, external, plugins: [precompiledSchemas(ROOT)],
  });
  // What ends up in the bundle (bytesInOutput > 0), not every file esbuild parsed: @darkroom/media is
  // side-effect free, so a function that only checks content types parses but drops its sharp modules.
  const bundled = Object.values(result.metafile!.outputs).flatMap((output) => Object.entries(output.inputs))
    .filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path);
  if (!layers.includes('sharp') && bundled.some((input) => input.includes('node_modules/sharp/'))) {
    throw new Error(`${fn.name} imports sharp but does not list the sharp layer in functions/manifest.json`);
  }
  const dataFiles = Object.entries(RUNTIME_FILES)
    .filter(([name]) => bundled.some((input) => input.includes(`node_modules/${name}/`)))
    .flatMap(([name, folders]) => folders.map((folder): [string, string] => [folder, join(ROOT, 'node_modules', name, folder)]));
  const size = await writeZip(join(dist, 'functions', `${fn.name}.zip`), [['index.js', join(outdir, 'index.js')], ['index.js.map', join(outdir, 'index.js.map')], ...dataFiles]);
  return `${fn.name.padEnd(36)} ${(size / 1024).toFixed(0).padStart(6)} KiB  layers: ${layers.join(', ') || '-'}`;
}

/**
 * Bundles the jwt layer into `<dist>/layers/jwt.zip` (nodejs/node_modules/@darkroom/jwt).
 * @returns a line for the build report
 * @throws Error when esbuild fails or the layer requires an AWS SDK package
 */
export async function buildJwtLayer(dist = DIST): Promise<string> {
  const outdir = join(dist, 'layers', 'jwt');
  await build({ ...common, entryPoints: { index: join(ROOT, 'layers/jwt/src/index.ts') }, outdir, external: [...common.external!, '@aws-sdk/*'] });
  // The layer must not lean on the Lambda runtime's SDK (layers/jwt/src/revocations.ts says why).
  const required = [...(await readFile(join(outdir, 'index.js'), 'utf8')).matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]);
  if (required.length) throw new Error(`the jwt layer requires ${[...new Set(required)].join(', ')}: it must use no AWS SDK (take a port from the runtime layer instead)`);
  // The source package.json points at src/index.ts (for tsx and jest); the layer ships only index.js, and a
  // `main` naming a missing file makes Node print DEP0128 on every cold start.
  const { types: _types, ...source } = JSON.parse(await readFile(join(ROOT, 'layers/jwt/package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(outdir, 'package.json'), `${JSON.stringify({ ...source, main: 'index.js' }, null, 2)}\n`);
  const size = await writeZip(join(dist, 'layers', 'jwt.zip'), [
    ['nodejs/node_modules/@darkroom/jwt/index.js', join(outdir, 'index.js')],
    ['nodejs/node_modules/@darkroom/jwt/package.json', join(outdir, 'package.json')],
  ]);
  return `${'layer jwt'.padEnd(36)} ${(size / 1024).toFixed(0).padStart(6)} KiB`;
}

async function buildSharpLayer(): Promise<string> {
  const modules = ['sharp', '@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64', '@img/colour', 'detect-libc', 'semver'];
  const size = await writeZip(join(DIST, 'layers', 'sharp.zip'),
    modules.map((name) => [`nodejs/node_modules/${name}`, join(ROOT, 'node_modules', name)]));
  return `${'layer sharp (linux-x64)'.padEnd(36)} ${(size / 1024 / 1024).toFixed(1).padStart(6)} MiB`;
}

/** The packages the vision layer provides (and their dependencies, packed with them). */
export const VISION_MODULES = ['tesseract.js', '@tesseract.js-data/eng', '@techstark/opencv-js'];
/** What bundles of functions with the vision layer leave to it (subpaths included: the OCR module resolves the model's folder). */
const VISION_EXTERNALS = [...VISION_MODULES, '@tesseract.js-data/eng/*'];

/** `names` and every package they depend on (package.json `dependencies`, recursively), as installed in node_modules. */
export function packageClosure(names: string[], root = ROOT): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const manifest = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) return; // an optional dependency not installed here
    seen.add(name);
    for (const dependency of Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {})) visit(dependency);
  };
  names.forEach(visit);
  return [...seen].sort();
}

async function buildFfmpegLayer(): Promise<string> {
  const size = await writeZip(join(DIST, 'layers', 'ffmpeg.zip'),
    [['bin/ffmpeg', join(ROOT, 'node_modules/@ffmpeg-installer/linux-x64/ffmpeg'), 0o755]]);
  return `${'layer ffmpeg (linux-x64)'.padEnd(36)} ${(size / 1024 / 1024).toFixed(1).padStart(6)} MiB`;
}

async function buildVisionLayer(): Promise<string> {
  const size = await writeZip(join(DIST, 'layers', 'vision.zip'),
    packageClosure(VISION_MODULES).map((name) => [`nodejs/node_modules/${name}`, join(ROOT, 'node_modules', name)]));
  return `${'layer vision (tesseract.js, OpenCV.js)'.padEnd(36)} ${(size / 1024 / 1024).toFixed(1).padStart(6)} MiB`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const manifest = loadManifest();
  const prefixes = process.argv.slice(2);
  const functions = manifest.functions.filter((fn) => !prefixes.length || prefixes.some((p) => fn.name.startsWith(p)));
  // A full build starts from an empty dist/; a partial one replaces only its functions' zips, so the
  // others stay usable (artefact mode with DARKROOM_ARTEFACTS_NO_BUILD=1 after rebuilding one function).
  if (prefixes.length) await Promise.all(functions.map((fn) => rm(join(DIST, 'functions', `${fn.name}.zip`), { force: true })));
  else await rm(DIST, { recursive: true, force: true });
  // Each artefact's line as soon as it is built: a full build takes minutes on a small machine.
  const total = 4 + functions.length;
  let done = 0;
  const report = (line: string) => console.log(`[${String(++done).padStart(String(total).length)}/${total}] ${line}`);
  for (const layer of [buildJwtLayer, buildSharpLayer, buildFfmpegLayer, buildVisionLayer]) report(await layer());
  for (const fn of functions) report(await buildFunction(fn));
  await mkdir(DIST, { recursive: true });
  await writeFile(join(DIST, 'openapi.json'), JSON.stringify(await openApiDocument(), null, 2));
  console.log(`built ${functions.length} functions and 4 layers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) main().catch((error) => { console.error(error); process.exit(1); });
