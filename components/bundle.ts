/**
 * The function's code as one esbuild bundle, built by the Pulumi program itself while it runs
 * (`preview` and `up` alike), so a deployment can never ship a stale build.
 *
 * The Lambda closure that `aws.lambda.CallbackFunction` serializes only `require`s this bundle and
 * calls its `callbackFactory`: the handler runs as ordinary module code, with none of the closure
 * serializer's rules or per-call scopes, and every package it uses is inside the one file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";

/** Packages the `nodejs22.x` runtime provides on its own module path; kept out of the bundle. */
export const RUNTIME_PROVIDED_PACKAGES: readonly string[] = ["@aws-sdk/*"];

/** The folder, under the program's working directory, that holds built bundles. Git-ignored. */
export const BUNDLE_DIR = ".build";

/** What {@link buildBundle} needs. */
export interface BundleArgs {
  /**
   * The entry module (TypeScript or JavaScript). It must export `callbackFactory()`, which the Lambda
   * calls once per container to get the request handler.
   */
  readonly entry: string;
  /** Names the output folder: `<BUNDLE_DIR>/<name>/index.js`. */
  readonly name: string;
  /** Packages left out of the bundle (`*` wildcards). Default: {@link RUNTIME_PROVIDED_PACKAGES}. */
  readonly external?: readonly string[];
  /** The folder the output path is relative to. Default: `process.cwd()`, as CallbackFunction's packaging. */
  readonly rootDir?: string;
  /**
   * Files to ship next to the bundle: file name → content. The entry module finds one at
   * `path.join(__dirname, name)`. Default: none.
   */
  readonly files?: Readonly<Record<string, string>>;
}

/** A built bundle. */
export interface Bundle {
  /** Path of the bundle relative to `rootDir`, with `/` separators: the key it has in the function's archive. */
  readonly archivePath: string;
  /** The archive paths of the bundle and of every file shipped next to it. */
  readonly archivePaths: readonly string[];
  /** What the closure passes to `require`: the archive path relative to `__index.js` at the archive's root. */
  readonly requirePath: string;
  /** Size of the bundle in bytes. */
  readonly bytes: number;
}

/**
 * Builds `entry` into one minified CommonJS file for Node 22 and writes it (only when its bytes
 * changed). The output depends on the sources alone: no timestamps, absolute paths or source maps,
 * so an unchanged handler gives a byte-identical file and `pulumi preview` shows no diff.
 *
 * Function and class names are kept, so stack traces in CloudWatch read without a source map.
 *
 * @throws Error naming the entry and esbuild's first message when the build fails.
 */
export function buildBundle(args: BundleArgs): Bundle {
  const rootDir = path.resolve(args.rootDir ?? process.cwd());
  const archivePath = [BUNDLE_DIR, args.name, "index.js"].join("/");
  const outfile = path.join(rootDir, ...archivePath.split("/"));
  let text: Uint8Array;
  try {
    const result = buildSync({
      entryPoints: [args.entry],
      outfile,
      bundle: true,
      minify: true,
      keepNames: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      external: [...(args.external ?? RUNTIME_PROVIDED_PACKAGES)],
      legalComments: "eof",
      sourcemap: false,
      // Paths relative to the entry's folder: nothing of the machine that built it ends up in the file.
      absWorkingDir: path.dirname(path.resolve(args.entry)),
      logLevel: "silent",
      write: false,
    });
    text = result.outputFiles[0].contents;
  } catch (err) {
    const first = (err as { errors?: { text: string }[] }).errors?.[0]?.text ?? (err as Error).message;
    throw new Error(`Could not bundle ${args.entry}: ${first}`);
  }
  writeIfChanged(outfile, text);
  const archivePaths = [archivePath];
  for (const [file, content] of Object.entries(args.files ?? {})) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file) || file === "index.js") {
      throw new Error(`Cannot ship "${file}" next to the bundle: use a plain file name other than index.js.`);
    }
    writeIfChanged(path.join(path.dirname(outfile), file), Buffer.from(content, "utf8"));
    archivePaths.push([BUNDLE_DIR, args.name, file].join("/"));
  }
  return { archivePath, archivePaths, requirePath: `./${archivePath}`, bytes: text.byteLength };
}

/** Writes only when the bytes differ, so an unchanged build leaves the file (and its timestamp) alone. */
function writeIfChanged(file: string, bytes: Uint8Array): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  if (current === undefined || !current.equals(bytes)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
}

/**
 * The names of the packages `CallbackFunction`'s packaging would copy into the archive: the
 * `dependencies` and `optionalDependencies` of the package.json at or above `startDir`. Excluding
 * them all leaves the archive with the closure and the bundle, which already holds what runs.
 */
export function projectPackages(startDir: string = process.cwd()): string[] {
  let dir = path.resolve(startDir);
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json at or above ${startDir}.`);
    dir = parent;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})].sort();
}
