/**
 * .github/scripts/lib/yaml-subset.cjs reads stack files before `npm ci`; here it is compared with the
 * `yaml` package on every stack file in the repository, on the shapes `pulumi config set` writes, and
 * on generated documents.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

import fc from "fast-check";
import { parse, stringify } from "yaml";

import { parseYaml } from "../../.github/scripts/lib/yaml-subset.cjs";

const root = path.resolve(__dirname, "../..");
const yamlFilesIn = (dir: string) =>
  (existsSync(path.join(root, dir)) ? readdirSync(path.join(root, dir)) : [])
    .filter((f) => /^Pulumi(\..+)?\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));
const repoFiles = [...yamlFilesIn("."), ...yamlFilesIn("bootstrap")];

describe("yaml-subset", () => {
  it.each(repoFiles)("reads %s as the yaml package does", (file) => {
    const text = readFileSync(path.join(root, file), "utf8");
    expect(parseYaml(text)).toEqual(parse(text));
  });

  it.each([
    [
      "a value written by pulumi config set --secret",
      "config:\n  hipchat-proxy:slackToken:\n    secure: AAABAJx1c2VyLXNlY3JldA==\n",
    ],
    ["a flow secure value", 'config:\n  p:k: {secure: "v1:abc:def"}\n  p:l: { secure: v1:x }\n'],
    [
      "a list at the key's indentation",
      "config:\n  aws:allowedAccountIds:\n  - '111111111111'\n  aws:region: eu-west-1\n",
    ],
    [
      "a list of maps",
      "config:\n  aws:assumeRoles:\n    - roleArn: arn:aws:iam::1:role/x\n      sessionName: s\n    - roleArn: y\n",
    ],
    [
      "quoted keys and # inside quotes",
      "config:\n  \"p:rooms\":\n    \"42\": \"#ops\"  # a comment\n    'a b': 'it''s'\n",
    ],
    ["scalars", 'a: true\nb: 12\nc: 1.5\nd: null\ne: ~\nf: \'true\'\ng: "12"\nh: x:y:z\ni: [1, two, "3"]\nj: {}\n'],
    ["top-level secrets-provider settings", "secretsprovider: awskms://alias/k?region=eu-west-1\nencryptedkey: AQIC\n"],
    ["a block scalar", "config:\n  p:text: |\n    line one\n    line two\n  p:next: 1\n"],
    ["comments and blank lines", "# head\n\nconfig: # c\n\n  # inside\n  p:a: 1\n\n"],
  ])("reads %s as the yaml package does", (_what, text) => {
    expect(parseYaml(text)).toEqual(parse(text));
  });

  it.each([
    ["an anchor", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["two documents", "a: 1\n---\nb: 2\n"],
    ["a duplicate key", "a: 1\na: 2\n"],
    ["a tab", "a:\n\tb: 1\n"],
  ])("refuses %s instead of misreading it", (_what, text) => {
    expect(() => parseYaml(text)).toThrow();
  });

  const key = fc.stringMatching(/^[a-z][a-zA-Z0-9-]{0,8}(:[a-zA-Z][a-zA-Z0-9]{0,8})?$/);
  const scalar = fc.oneof(
    fc.string({ unit: fc.constantFrom(..."abcXYZ019 #:-_./'\"@,[]{}é\n\\"), maxLength: 120 }),
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.boolean(),
    fc.constant(null),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalar,
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(key, tie("value"), { maxKeys: 4 }),
    ),
  }));
  const documents = fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 });

  it("reads what the yaml package writes in block style (as Pulumi writes stack files)", () => {
    fc.assert(
      fc.property(documents, (doc) => {
        for (const options of [{}, { indentSeq: false }, { lineWidth: 40 }, { blockQuote: "literal" as const }]) {
          const text = stringify(doc, options);
          expect(parseYaml(text)).toEqual(parse(text));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never misreads a document: it reads it as the yaml package does, or refuses it", () => {
    fc.assert(
      fc.property(documents, (doc) => {
        const text = stringify(doc, { collectionStyle: "flow" });
        let mine: unknown;
        try {
          mine = parseYaml(text);
        } catch {
          return;
        }
        expect(mine).toEqual(parse(text));
      }),
      { numRuns: 300 },
    );
  });
});
