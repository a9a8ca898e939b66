/**
 * handler/convert/escape.ts, pinned where mutation testing (npm run mutate) found behaviour no other
 * test fixed: each control character's fate (vertical tab and form feed become spaces), each escape,
 * lone surrogates at either end, and one-line fields.
 */
import { escapeOneLine, escapeSlack, stripControls, usernameSafe, wellFormed } from "../../handler/convert/escape";

describe("stripControls", () => {
  it("vertical tab and form feed become spaces", () => {
    expect(stripControls("a\x0Bb\x0Cc")).toBe("a b c");
    expect(stripControls("\x0B\x0C")).toBe("  ");
  });

  it("tab, LF and CR are kept", () => {
    expect(stripControls("a\tb\nc\rd")).toBe("a\tb\nc\rd");
  });

  it("every other C0 control and DEL is removed, whatever its neighbours", () => {
    const removed = [
      ...Array.from({ length: 9 }, (_, i) => i), // NUL … BS
      ...Array.from({ length: 0x20 - 0x0e }, (_, i) => 0x0e + i), // SO … US
      0x7f,
    ];
    for (const code of removed) {
      const c = String.fromCharCode(code);
      expect([code, stripControls(`a${c}b${c}${c}`)]).toEqual([code, "ab"]);
    }
  });

  it("keeps printable text and characters just outside the control ranges", () => {
    const kept = " ~\x80\u00A0é€😀";
    expect(stripControls(kept)).toBe(kept);
  });

  it("lone surrogates become U+FFFD; pairs stay", () => {
    expect(stripControls("a\uD800b")).toBe("a\uFFFDb");
    expect(stripControls("a\uDC00b")).toBe("a\uFFFDb");
    expect(stripControls("😀")).toBe("😀");
  });
});

describe("wellFormed", () => {
  it("replaces every lone surrogate, high or low, at any position, and nothing else", () => {
    expect(wellFormed("\uD83D")).toBe("\uFFFD");
    expect(wellFormed("\uDE00")).toBe("\uFFFD");
    expect(wellFormed("x\uD83D\uD83D\uDE00y")).toBe("x\uFFFD😀y");
    expect(wellFormed("x\uD83D\uDE00\uDE00y")).toBe("x😀\uFFFDy");
    expect(wellFormed("\uDE00\uD83D")).toBe("\uFFFD\uFFFD");
    expect(wellFormed("plain \uFFFD text")).toBe("plain \uFFFD text");
  });
});

describe("escapeSlack", () => {
  it("escapes exactly &, < and >, every occurrence", () => {
    expect(escapeSlack("<!channel> & <@U123|x> >")).toBe("&lt;!channel&gt; &amp; &lt;@U123|x&gt; &gt;");
    expect(escapeSlack("&&<<>>")).toBe("&amp;&amp;&lt;&lt;&gt;&gt;");
    expect(escapeSlack("\"quoted\" 'single' *b* _i_ |pipe| `c`")).toBe("\"quoted\" 'single' *b* _i_ |pipe| `c`");
  });
});

describe("escapeOneLine", () => {
  it("is empty for anything but a string", () => {
    for (const v of [undefined, null, 5, { toString: () => "x" }, ["x"]]) expect(escapeOneLine(v)).toBe("");
  });

  it("collapses every run of white space, including newlines, tabs and VT/FF, and trims", () => {
    expect(escapeOneLine("  Build\n\n  #42\t\tfailed \x0B\x0C now  ")).toBe("Build #42 failed now");
  });

  it("removes controls and escapes", () => {
    expect(escapeOneLine("a\x00b <x> & y")).toBe("ab &lt;x&gt; &amp; y");
  });
});

describe("usernameSafe", () => {
  it("replaces &, < and > with look-alikes, every occurrence, and keeps the rest", () => {
    expect(usernameSafe("<!channel> & Co >")).toBe("\u2039!channel\u203A \uFF06 Co \u203A");
    expect(usernameSafe("&&<<")).toBe("\uFF06\uFF06\u2039\u2039");
    expect(usernameSafe('Jenkins *CI* "x"')).toBe('Jenkins *CI* "x"');
  });
});
