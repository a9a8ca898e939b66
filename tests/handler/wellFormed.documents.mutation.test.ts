/**
 * handler/wellFormed.ts, `wellFormedDeep`: what it walks and what it leaves alone. A string document
 * is cleaned itself; only objects (arrays included) are walked, and every one of them, whatever
 * values (null, 0, false) sit next to them; keys that are already clean are not touched.
 */
import { wellFormedDeep } from "../../handler/wellFormed";

describe("a document that is a string", () => {
  it.each<[string, string]>([
    ["a\ud800", "a\ufffd"],
    ["\udc00b", "\ufffdb"],
    ["ok \u{1f600}", "ok \u{1f600}"],
  ])("%j becomes %j", (doc, expected) => {
    expect(wellFormedDeep(doc)).toBe(expected);
  });
});

describe("every object is walked, whatever values come after it", () => {
  // The objects still to walk are kept on a stack; a null, 0 or false put there would look like
  // its end and leave the objects below unwalked.
  it.each<[string, string, unknown]>([
    ["null", '{"o":{"s":"x\\ud800"},"n":null}', { o: { s: "x\ufffd" }, n: null }],
    ["0", '{"o":{"s":"x\\ud800"},"z":0}', { o: { s: "x\ufffd" }, z: 0 }],
    ["false", '{"o":{"s":"x\\ud800"},"f":false}', { o: { s: "x\ufffd" }, f: false }],
    ["a number", '{"o":{"s":"x\\ud800"},"n":7}', { o: { s: "x\ufffd" }, n: 7 }],
    ["all of them, in an array", '[{"s":"x\\ud800"},null,0,false,true]', [{ s: "x\ufffd" }, null, 0, false, true]],
  ])("an object followed by %s", (_after, json, expected) => {
    expect(wellFormedDeep(JSON.parse(json))).toEqual(expected);
  });

  it.each<[unknown]>([[null], [0], [false], [true], [42]])("%j is returned as it is", (doc) => {
    expect(wellFormedDeep(doc)).toBe(doc);
  });

  it("a function is not walked", () => {
    // Only objects are documents; a function's own properties are left as they are.
    const f = Object.assign(() => 1, { "k\ud800": "v\ud800" });
    expect(wellFormedDeep(f)).toBe(f);
    expect(Object.entries(f)).toEqual([["k\ud800", "v\ud800"]]);
  });
});

describe("keys that are already clean are not touched", () => {
  it("they keep their place; a renamed key is added after them", () => {
    const doc = wellFormedDeep(JSON.parse('{"a":1,"b\\ud800":2,"c":3}'));
    expect(Object.keys(doc)).toEqual(["a", "c", "b\ufffd"]);
    expect(JSON.stringify(doc)).toBe('{"a":1,"c":3,"b\ufffd":2}');
  });

  it("an accessor with a clean key stays an accessor", () => {
    const doc = {
      get n(): number {
        return 1;
      },
    };
    wellFormedDeep(doc);
    expect(typeof Object.getOwnPropertyDescriptor(doc, "n")?.get).toBe("function");
  });
});
