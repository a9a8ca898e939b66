/**
 * What goes into the Lambda deployment package that `aws.lambda.CallbackFunction` builds.
 *
 * `CallbackFunction` asks `@pulumi/pulumi`'s `computeCodePaths` for the package folders: every
 * `dependencies` entry of the project's package.json and, transitively, their dependencies
 * (`runtime/closure/codePaths.js`). Its `extraExcludePackages` are compared by **exact name**
 * (`Set.has(name)`) at every step of that walk: an excluded package is skipped together with the
 * dependencies that only it brings in, but a dependency that another included package also needs is
 * still included. A pattern such as `@types/*` therefore does nothing by itself; this module expands
 * patterns against the names installed under node_modules, so that every match is excluded wherever
 * it is met in the tree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/**
 * Packages the `nodejs22.x` Lambda runtime already provides: AWS SDK for JavaScript v3 and its
 * building blocks. Leaving them out keeps the package small; the handler `require`s the runtime's copy.
 */
export const DEFAULT_RUNTIME_PROVIDED_PACKAGES: readonly string[] = ["@aws-sdk/*", "@smithy/*", "@aws-crypto/*"];

/**
 * Packages that never run in the function: type declarations and development tools. They reach the
 * package when a runtime dependency lists them in its `dependencies` (for example `@slack/web-api`
 * brings `@types/node`, which brings `undici-types`).
 */
export const DEFAULT_EXCLUDED_PACKAGES: readonly string[] = [
  "@types/*",
  "undici-types",
  "typescript",
  "ts-node",
  "ts-jest",
  "jest",
  "jest-*",
  "@jest/*",
];

/**
 * Turns package name patterns into the exact names `computeCodePaths` compares against.
 *
 * A pattern is an exact name (`undici-types`) or contains `*`, which matches any run of characters
 * (`@types/*`, `jest-*`). Exact names are kept even when nothing by that name is installed.
 *
 * @param patterns - Names and `*` patterns to exclude.
 * @param installed - Names of the installed packages (see {@link listInstalledPackages}).
 * @returns The sorted, de-duplicated list of names to pass as `extraExcludePackages`.
 */
export function expandPackagePatterns(patterns: readonly string[], installed: Iterable<string>): string[] {
  const names = new Set<string>();
  const globs: RegExp[] = [];
  for (const pattern of patterns) {
    if (pattern.includes("*")) {
      const source = pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
      globs.push(new RegExp(`^${source}$`));
    } else {
      names.add(pattern);
    }
  }
  for (const name of installed) {
    if (globs.some((glob) => glob.test(name))) {
      names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * Lists the names of every package installed under `<rootDir>/node_modules`, including packages
 * nested in other packages' own `node_modules` folders.
 *
 * @param rootDir - The folder that holds the project's package.json.
 */
export function listInstalledPackages(rootDir: string): Set<string> {
  const names = new Set<string>();
  const visit = (modulesDir: string, depth: number): void => {
    if (depth > 8) {
      return;
    }
    for (const entry of readDirSafe(modulesDir)) {
      if (entry.startsWith(".")) {
        continue;
      }
      if (entry.startsWith("@")) {
        for (const scoped of readDirSafe(path.join(modulesDir, entry))) {
          names.add(`${entry}/${scoped}`);
          visit(path.join(modulesDir, entry, scoped, "node_modules"), depth + 1);
        }
      } else {
        names.add(entry);
        visit(path.join(modulesDir, entry, "node_modules"), depth + 1);
      }
    }
  };
  visit(path.join(rootDir, "node_modules"), 0);
  return names;
}

/**
 * Finds the folder `computeCodePaths` packages from: the nearest folder at or above `startDir`
 * that holds a package.json.
 *
 * @throws Error when there is none.
 */
export function findPackageRoot(startDir: string): string {
  let dir = path.resolve(startDir);
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No package.json found at or above ${startDir}; cannot compute the Lambda package.`);
    }
    dir = parent;
  }
}

/**
 * Files a package ships that Node never loads at run time: source maps, type declarations,
 * TypeScript sources and documentation. `@slack/web-api` alone ships about 6 MB of them. Licence
 * files and package.json are always kept.
 */
export const DEFAULT_NON_RUNTIME_FILES: readonly string[] = [
  "*.map",
  "*.d.ts",
  "*.d.mts",
  "*.d.cts",
  "*.ts",
  "*.tsbuildinfo",
  "*.md",
  "*.markdown",
];

/** What {@link pruneNestedPackages} leaves out of each package folder. */
export interface PruneOptions {
  /** Exact package names to drop wherever they are nested. */
  excluded: ReadonlySet<string>;
  /** File name patterns (`*` wildcard) to drop; default {@link DEFAULT_NON_RUNTIME_FILES}. */
  nonRuntimeFiles?: readonly string[];
}

/**
 * Removes what never runs from the package folders of a function's code.
 *
 * `computeCodePaths` adds each package folder as one `FileArchive`, nested `node_modules` and all.
 * Two things in those folders never run: excluded packages that a package keeps in its own nested
 * `node_modules` (for example `p-retry/node_modules/@types/retry`), out of reach of
 * `extraExcludePackages`; and files Node never loads (see {@link DEFAULT_NON_RUNTIME_FILES}).
 * Folders holding either are replaced by an archive of their remaining files; every other entry is
 * kept as it was.
 *
 * @param archive - The function's code, as `CallbackFunction` computed it.
 * @param options - What to leave out (or, for compatibility, the set of excluded package names).
 * @param rootDir - The folder the archive's relative paths start from (the working directory).
 */
export async function pruneNestedPackages(
  archive: pulumi.asset.AssetArchive,
  options: PruneOptions | ReadonlySet<string>,
  rootDir: string = process.cwd(),
): Promise<pulumi.asset.AssetArchive> {
  const { excluded, nonRuntimeFiles = DEFAULT_NON_RUNTIME_FILES } =
    options instanceof Set ? { excluded: options } : (options as PruneOptions);
  const dropFile = globMatcher(nonRuntimeFiles);
  const assets = await archive.assets;
  const pruned: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {};
  let changed = false;
  for (const [name, entry] of Object.entries(assets)) {
    // Duck-typed: inside an Output the archive's entries arrive as plain objects, not class instances.
    const folder = isFileArchive(entry) && name.startsWith("node_modules/") ? await entry.path : undefined;
    if (folder === undefined) {
      pruned[name] = entry;
      continue;
    }
    const kept = filesWithout(path.resolve(rootDir, folder), excluded, dropFile);
    if (kept === undefined) {
      pruned[name] = entry;
      continue;
    }
    changed = true;
    pruned[name] = new pulumi.asset.AssetArchive(
      Object.fromEntries(kept.map((file) => [file, new pulumi.asset.FileAsset(path.join(folder, file))])),
    );
  }
  return changed ? new pulumi.asset.AssetArchive(pruned) : archive;
}

function isFileArchive(entry: unknown): entry is { path: string | Promise<string> } {
  return pulumi.asset.Archive.isInstance(entry) && "path" in (entry as object);
}

/** A predicate for file names matching any of the `*` patterns (never package.json or licences). */
function globMatcher(patterns: readonly string[]): (fileName: string) => boolean {
  const globs = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
        "i",
      ),
  );
  return (fileName) =>
    fileName !== "package.json" &&
    !/^(licen[cs]e|copying|notice)/i.test(fileName) &&
    globs.some((g) => g.test(fileName));
}

/**
 * The files of a package folder (relative paths), leaving out excluded packages in its nested
 * `node_modules` and files `dropFile` matches; `undefined` when there is nothing to leave out.
 */
function filesWithout(
  folder: string,
  excluded: ReadonlySet<string>,
  dropFile: (name: string) => boolean,
): string[] | undefined {
  const files: string[] = [];
  let removed = false;
  const walk = (dir: string, rel: string): void => {
    const name = path.basename(dir);
    const inModules = name === "node_modules";
    const inScope = name.startsWith("@") && path.basename(path.dirname(dir)) === "node_modules";
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const pkg = inModules ? entry.name : inScope ? `${name}/${entry.name}` : undefined;
      if (pkg !== undefined && excluded.has(pkg)) {
        removed = true;
        continue;
      }
      const full = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (fs.statSync(full).isDirectory()) {
        walk(full, relPath);
      } else if (dropFile(entry.name)) {
        removed = true;
      } else {
        files.push(relPath);
      }
    }
  };
  walk(folder, "");
  return removed ? files : undefined;
}

function readDirSafe(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
