/**
 * handler/wellFormed.ts, `wellFormedDeep`: a key that is cleaned is moved to its cleaned name (not
 * just dropped), and the cleaned document stays an ordinary mutable object, since the handler goes on
 * to read and adjust what it parsed.
 */
import { wellFormedDeep } from "../../handler/wellFormed";

describe("a key with a lone surrogate", () => {
  it.each<[string, string, unknown]>([
    ["a string value", '{"k\\ud800":"v"}', { "k\ufffd": "v" }],
    ["a number value", '{"k\\udc00":1}', { "k\ufffd": 1 }],
    [
      "an object value, itself cleaned",
      '{"o\\ud800":{"i\\udfff":"x\\ud800"}}',
      { "o\ufffd": { "i\ufffd": "x\ufffd" } },
    ],
    ["next to a key that is already clean", '{"a":1,"b\\ud800":2}', { a: 1, "b\ufffd": 2 }],
  ])("is renamed to its cleaned form, keeping %s", (_value, json, expected) => {
    expect(wellFormedDeep(JSON.parse(json))).toEqual(expected);
  });
});

describe("the cleaned document stays writable", () => {
  it.each<[string, string, string]>([
    ["a clean string", '{"message":"hi"}', "message"],
    ["a cleaned string", '{"message":"hi\\ud800"}', "message"],
    ["a renamed key", '{"k\\ud800":"v"}', "k\ufffd"],
    ["a __proto__ key kept as data", '{"__proto__":"p"}', "__proto__"],
  ])("%s can be reassigned and deleted", (_what, json, key) => {
    const doc = wellFormedDeep(JSON.parse(json)) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(doc, key)).toMatchObject({ writable: true, enumerable: true });
    doc[key] = "edited";
    expect(Object.getOwnPropertyDescriptor(doc, key)?.value).toBe("edited");
    delete doc[key];
    expect(Object.hasOwn(doc, key)).toBe(false);
  });
});
