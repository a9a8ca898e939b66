/**
 * The package-exclusion helpers. computeCodePaths compares extraExcludePackages by exact name, so
 * patterns must be expanded against what is installed; these tests pin that expansion down.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import {
  DEFAULT_EXCLUDED_PACKAGES,
  DEFAULT_RUNTIME_PROVIDED_PACKAGES,
  expandPackagePatterns,
  findPackageRoot,
  listInstalledPackages,
  pruneNestedPackages,
} from "../../components/packaging";

describe("expandPackagePatterns", () => {
  const installed = [
    "@types/node",
    "@types/retry",
    "@typescript-eslint/parser",
    "undici-types",
    "undici",
    "jest",
    "jest-worker",
    "@slack/web-api",
  ];

  it("expands * against installed names and keeps exact names as given", () => {
    expect(expandPackagePatterns(["@types/*", "undici-types", "jest-*", "not-installed"], installed)).toEqual([
      "@types/node",
      "@types/retry",
      "jest-worker",
      "not-installed",
      "undici-types",
    ]);
  });

  it("matches whole names only: @types/* is not @typescript-*, undici-types is not undici", () => {
    const out = expandPackagePatterns(["@types/*", "undici-types"], installed);
    expect(out).not.toContain("@typescript-eslint/parser");
    expect(out).not.toContain("undici");
  });

  it("treats regex characters in patterns literally", () => {
    expect(expandPackagePatterns(["a.b*"], ["a.bc", "axbc"])).toEqual(["a.bc"]);
  });

  it("has defaults for the runtime's SDK and for what never runs", () => {
    expect(DEFAULT_RUNTIME_PROVIDED_PACKAGES).toEqual(["@aws-sdk/*", "@smithy/*", "@aws-crypto/*"]);
    expect(DEFAULT_EXCLUDED_PACKAGES).toEqual(
      expect.arrayContaining(["@types/*", "undici-types", "typescript", "jest"]),
    );
  });
});

describe("listInstalledPackages and findPackageRoot", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pkgs-"));
    fs.writeFileSync(path.join(dir, "package.json"), "{}");
    for (const p of [
      "node_modules/a",
      "node_modules/@s/b",
      "node_modules/@s/b/node_modules/@types/c",
      "node_modules/.bin",
      "sub/deeper",
    ]) {
      fs.mkdirSync(path.join(dir, p), { recursive: true });
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lists scoped, unscoped and nested packages, not dot folders", () => {
    expect([...listInstalledPackages(dir)].sort()).toEqual(["@s/b", "@types/c", "a"]);
  });

  it("finds the folder with the package.json at or above a folder", () => {
    expect(findPackageRoot(path.join(dir, "sub/deeper"))).toBe(dir);
  });

  it("answers an empty set when there is no node_modules", () => {
    expect(listInstalledPackages(path.join(dir, "sub")).size).toBe(0);
  });
});

describe("pruneNestedPackages", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "prune-"));
    const files = [
      "node_modules/a/index.js",
      "node_modules/a/node_modules/@types/x/index.d.ts",
      "node_modules/a/node_modules/undici-types/index.d.ts",
      "node_modules/a/node_modules/keep/index.js",
      "node_modules/a/node_modules/@scope/keep/index.js",
      "node_modules/b/index.js",
    ];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), "//");
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("rebuilds only the folders that nest an excluded package, without it", async () => {
    const b = new pulumi.asset.FileArchive("node_modules/b");
    const index = new pulumi.asset.StringAsset("exports.handler = 1;");
    const archive = new pulumi.asset.AssetArchive({
      "__index.js": index,
      "node_modules/a": new pulumi.asset.FileArchive("node_modules/a"),
      "node_modules/b": b,
    });
    const out = await pruneNestedPackages(archive, new Set(["@types/x", "undici-types"]), dir);
    const assets = await out.assets;
    expect(assets["__index.js"]).toBe(index);
    expect(assets["node_modules/b"]).toBe(b);
    const a = await (assets["node_modules/a"] as pulumi.asset.AssetArchive).assets;
    expect(Object.keys(a).sort()).toEqual([
      "index.js",
      "node_modules/@scope/keep/index.js",
      "node_modules/keep/index.js",
    ]);
    expect(await (a["index.js"] as pulumi.asset.FileAsset).path).toBe(path.join("node_modules/a", "index.js"));
  });

  it("returns the archive unchanged when nothing is left out", async () => {
    const archive = new pulumi.asset.AssetArchive({ "node_modules/b": new pulumi.asset.FileArchive("node_modules/b") });
    expect(await pruneNestedPackages(archive, new Set(["@types/other"]), dir)).toBe(archive);
    const a = new pulumi.asset.AssetArchive({ "node_modules/a": new pulumi.asset.FileArchive("node_modules/a") });
    expect(await pruneNestedPackages(a, { excluded: new Set(["@types/other"]), nonRuntimeFiles: [] }, dir)).toBe(a);
  });

  it("leaves out files Node never loads, but keeps package.json and licences", async () => {
    const files = [
      "index.js",
      "index.js.map",
      "index.d.ts",
      "src/index.ts",
      "README.md",
      "LICENSE.md",
      "package.json",
      "lib/x.cjs",
    ];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(dir, "node_modules/c", f)), { recursive: true });
      fs.writeFileSync(path.join(dir, "node_modules/c", f), "//");
    }
    const archive = new pulumi.asset.AssetArchive({ "node_modules/c": new pulumi.asset.FileArchive("node_modules/c") });
    const out = await (await pruneNestedPackages(archive, new Set<string>(), dir)).assets;
    const c = await (out["node_modules/c"] as pulumi.asset.AssetArchive).assets;
    expect(Object.keys(c).sort()).toEqual(["LICENSE.md", "index.js", "lib/x.cjs", "package.json"]);
  });
});
