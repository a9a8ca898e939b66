"use strict";
/**
 * A reader for the YAML that Pulumi stack files use: block maps and lists by indentation, plain and
 * quoted scalars, small flow collections (`{secure: …}`, `["a", "b"]`), comments, and `|`/`>` block
 * scalars. No anchors, aliases, tags or multiple documents: those throw.
 *
 * It exists so that CI can check stack files in the first step of a job, before Node packages are
 * installed. tests/workflows/yamlSubset.test.ts compares it with the `yaml` package on every stack
 * file of the repository.
 */

class YamlSubsetError extends Error {
  constructor(message, line) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "YamlSubsetError";
  }
}

/** Strips a trailing comment (a `#` after whitespace, outside quotes). */
function stripComment(text) {
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = null;
      }
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(text[i - 1])) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

function toLines(text) {
  const raw = text.split(/\r?\n/);
  if (raw[raw.length - 1] === "") raw.pop(); // the final line break ends the last line
  return raw.map((raw, i) => {
    const indent = raw.length - raw.trimStart().length;
    if (/^\s*\t/.test(raw)) throw new YamlSubsetError("tabs are not allowed for indentation", i + 1);
    return { no: i + 1, raw, indent, text: stripComment(raw.trimStart()) };
  });
}

function plainScalar(text, line) {
  if (/^[&*!]/.test(text)) throw new YamlSubsetError(`anchors, aliases and tags are not supported: ${text}`, line);
  if (text === "~" || text === "null" || text === "Null" || text === "NULL" || text === "") return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(text)) return Number(text);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  return text;
}

const ESCAPES = {
  0: "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};

function unescapeDoubleQuoted(body, line) {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs, (_m, esc) => {
    if (esc.length > 1) return String.fromCodePoint(Number.parseInt(esc.slice(1), 16));
    if (Object.hasOwn(ESCAPES, esc)) return ESCAPES[esc];
    throw new YamlSubsetError(`unsupported escape \\${esc}`, line);
  });
}

/** Parses a flow value (scalar, quoted string, `[…]` or `{…}`) starting at `pos`. */
function flowValue(text, pos, line, inFlow) {
  while (text[pos] === " ") pos++;
  const c = text[pos];
  if (c === '"') {
    let end = pos + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
    if (end >= text.length) throw new YamlSubsetError("unterminated double-quoted string", line);
    return { value: unescapeDoubleQuoted(text.slice(pos + 1, end), line), pos: end + 1 };
  }
  if (c === "'") {
    let end = pos + 1;
    let value = "";
    for (;;) {
      if (end >= text.length) throw new YamlSubsetError("unterminated single-quoted string", line);
      if (text[end] === "'") {
        if (text[end + 1] === "'") {
          value += "'";
          end += 2;
          continue;
        }
        break;
      }
      value += text[end++];
    }
    return { value, pos: end + 1 };
  }
  if (c === "[" || c === "{") {
    const list = c === "[";
    const close = list ? "]" : "}";
    const out = list ? [] : {};
    pos++;
    for (;;) {
      while (text[pos] === " ") pos++;
      if (text[pos] === close) return { value: out, pos: pos + 1 };
      if (list) {
        const item = flowValue(text, pos, line, true);
        out.push(item.value);
        pos = item.pos;
      } else {
        const key = flowValue(text, pos, line, true);
        pos = key.pos;
        while (text[pos] === " ") pos++;
        if (text[pos] !== ":") throw new YamlSubsetError("expected ':' in a flow mapping", line);
        const item = flowValue(text, pos + 1, line, true);
        out[String(key.value)] = item.value;
        pos = item.pos;
      }
      while (text[pos] === " ") pos++;
      if (text[pos] === ",") pos++;
      else if (text[pos] !== close) throw new YamlSubsetError(`expected ',' or '${close}'`, line);
    }
  }
  const stop = inFlow ? /^([,\]}]|:(\s|$))/ : /$^/;
  let end = pos;
  while (end < text.length && !stop.test(text.slice(end, end + 2))) end++;
  return { value: plainScalar(text.slice(pos, end).trim(), line), pos: end };
}

function inlineValue(text, line) {
  const { value, pos } = flowValue(text, 0, line, false);
  if (text.slice(pos).trim() !== "") throw new YamlSubsetError(`unexpected text after a value: ${text}`, line);
  return value;
}

/** Splits `key: rest` (the key may contain colons not followed by a space, like `aws:region`). */
function splitKey(text, line) {
  if (text[0] === '"' || text[0] === "'") {
    const { value, pos } = flowValue(text, 0, line, true);
    const rest = text.slice(pos);
    if (!/^\s*:(\s|$)/.test(rest)) throw new YamlSubsetError(`expected ':' after key ${text}`, line);
    return { key: String(value), rest: rest.replace(/^\s*:/, "").trim() };
  }
  const m = /^(.*?):(?:\s+(.*))?$/.exec(text);
  if (!m || m[1].trim() === "") return null;
  return { key: m[1].trim(), rest: (m[2] ?? "").trim() };
}

function parseBlock(lines, start, indent) {
  const first = lines[start];
  return first.text === "-" || first.text.startsWith("- ")
    ? parseList(lines, start, indent)
    : parseMap(lines, start, indent);
}

function nextContent(lines, i) {
  while (i < lines.length && lines[i].text === "") i++;
  return i;
}

/**
 * Folding of a `>` block scalar: a line break between two lines of text reads as a space, k empty
 * lines as k newlines, and breaks next to more-indented lines are kept.
 */
function fold(body) {
  let out = "";
  let prev = null;
  let empty = 0;
  for (const text of body) {
    if (text === "") {
      empty++;
      continue;
    }
    const more = /^[ \t]/.test(text);
    if (prev === null) out += "\n".repeat(empty);
    else if (!more && prev === "normal") out += empty > 0 ? "\n".repeat(empty) : " ";
    else out += "\n".repeat(empty + 1);
    out += text;
    prev = more ? "more" : "normal";
    empty = 0;
  }
  return out;
}

/** A block scalar (`|`, `>-`, `|+`, `|2`…) whose header is `header`. */
function blockScalar(lines, i, parentIndent, header, line) {
  const m = /^([|>])(?:([1-9])([-+])?|([-+])([1-9])?)?$/.exec(header);
  if (!m) throw new YamlSubsetError(`unsupported block scalar header ${header}`, line);
  const folded = m[1] === ">";
  const explicit = m[2] ?? m[5];
  const chomp = m[3] ?? m[4] ?? "";
  let indent = explicit === undefined ? undefined : parentIndent + Number(explicit);
  const body = [];
  let j = i;
  for (; j < lines.length; j++) {
    const raw = lines[j].raw;
    if (raw.trim() === "") {
      body.push(raw.length > (indent ?? Infinity) ? raw.slice(indent) : "");
      continue;
    }
    const lead = raw.length - raw.trimStart().length;
    if (indent === undefined) {
      if (lead <= parentIndent) break;
      indent = lead;
    }
    if (lead < indent) break;
    body.push(raw.slice(indent));
  }
  let end = body.length;
  while (end > 0 && body[end - 1] === "") end--;
  const content = folded ? fold(body.slice(0, end)) : body.slice(0, end).join("\n");
  const trailing = body.length - end;
  let value;
  if (chomp === "-") value = content;
  else if (chomp === "+") value = content + "\n".repeat(end > 0 ? trailing + 1 : trailing);
  else value = end > 0 ? `${content}\n` : "";
  // Trailing empty lines were consumed; the caller skips blank lines anyway.
  return { value, next: j };
}

/** A flow collection that may continue on more-indented lines (or a closing bracket): joined until it parses. */
function flowAcrossLines(lines, rest, i, indent, line) {
  let text = rest;
  let j = i + 1;
  for (;;) {
    try {
      return { value: inlineValue(text, line), next: j };
    } catch (err) {
      if (j < lines.length && lines[j].raw.trim() === "") {
        throw new YamlSubsetError("empty lines inside a flow collection are not supported", lines[j].no);
      }
      if (j >= lines.length || !(lines[j].indent > indent || /^[\]}]/.test(lines[j].text))) throw err;
      text += ` ${lines[j].text}`;
      j++;
    }
  }
}

/**
 * A scalar may continue on more-indented lines (a long value wrapped by the writer): a single line
 * break reads as a space, each empty line as a newline.
 */
function foldContinuation(lines, rest, i, indent) {
  let text = rest;
  let j = i + 1;
  let breaks = 0;
  while (j < lines.length && (lines[j].raw.trim() === "" || lines[j].indent > indent)) {
    if (lines[j].raw.trim() === "") {
      breaks++;
    } else {
      if (text.endsWith("\\")) throw new YamlSubsetError("escaped line breaks are not supported", lines[j].no);
      const quoted = /^["']/.test(rest);
      const piece = quoted ? lines[j].raw.trim() : lines[j].text;
      const newline = rest[0] === '"' ? "\\n" : "\n";
      text += breaks === 0 ? ` ${piece}` : `${newline.repeat(breaks)}${piece}`;
      breaks = 0;
    }
    j++;
  }
  return { text, next: j };
}

/** The value after `key:` or `- `: inline, a block scalar, or the nested block below. */
function valueAfter(lines, rest, i, indent, line, allowSameIndentList) {
  if (/^[|>]/.test(rest)) return blockScalar(lines, i + 1, indent, rest, line);
  if (/^[[{]/.test(rest)) return flowAcrossLines(lines, rest, i, indent, line);
  if (rest !== "") {
    const { text, next } = foldContinuation(lines, rest, i, indent);
    return { value: inlineValue(text, line), next };
  }
  const j = nextContent(lines, i + 1);
  if (j < lines.length && lines[j].indent > indent) return parseBlock(lines, j, lines[j].indent);
  if (allowSameIndentList && j < lines.length && lines[j].indent === indent && /^-(\s|$)/.test(lines[j].text)) {
    return parseList(lines, j, indent);
  }
  return { value: null, next: i + 1 };
}

function parseMap(lines, start, indent) {
  const out = {};
  let i = start;
  for (;;) {
    i = nextContent(lines, i);
    if (i >= lines.length || lines[i].indent < indent) return { value: out, next: i };
    const l = lines[i];
    if (l.indent > indent) throw new YamlSubsetError("unexpected indentation", l.no);
    if (/^-(\s|$)/.test(l.text)) return { value: out, next: i };
    if (l.text === "---" || l.text === "...") throw new YamlSubsetError("multiple documents are not supported", l.no);
    const kv = splitKey(l.text, l.no);
    if (!kv) throw new YamlSubsetError(`expected 'key: value', got ${l.text}`, l.no);
    if (Object.hasOwn(out, kv.key)) throw new YamlSubsetError(`duplicate key ${kv.key}`, l.no);
    const { value, next } = valueAfter(lines, kv.rest, i, indent, l.no, true);
    out[kv.key] = value;
    i = next;
  }
}

function parseList(lines, start, indent) {
  const out = [];
  let i = start;
  for (;;) {
    i = nextContent(lines, i);
    if (i >= lines.length || lines[i].indent < indent) return { value: out, next: i };
    const l = lines[i];
    if (l.indent > indent) throw new YamlSubsetError("unexpected indentation", l.no);
    if (!/^-(\s|$)/.test(l.text)) return { value: out, next: i };
    const rest = l.text.slice(1).trimStart();
    const offset = l.indent + (l.raw.trimStart().length - rest.length);
    const nestedList = /^-(\s|$)/.test(rest);
    if (nestedList || (rest !== "" && !/^["'[{]/.test(rest) && /:(\s|$)/.test(rest))) {
      // `- key: value` opens a map whose keys sit at the column of `key`; `- - x` a list in a list.
      const copy = lines.slice();
      copy[i] = { ...l, indent: offset, text: rest, raw: " ".repeat(offset) + rest };
      const { value, next } = nestedList ? parseList(copy, i, offset) : parseMap(copy, i, offset);
      if (next <= i) throw new YamlSubsetError(`cannot read ${l.text}`, l.no);
      out.push(value);
      i = next;
    } else {
      const { value, next } = valueAfter(lines, rest, i, l.indent, l.no, false);
      out.push(value);
      i = next;
    }
  }
}

/** Parses one YAML document of the supported subset; an empty document gives null. */
function parseYaml(text) {
  const lines = toLines(text);
  const start = nextContent(lines, 0);
  if (start >= lines.length) return null;
  if (lines[start].indent !== 0) throw new YamlSubsetError("the document must start at column 0", lines[start].no);
  const { value, next } = /^[[{]/.test(lines[start].text)
    ? flowAcrossLines(lines, lines[start].text, start, 0, lines[start].no)
    : parseBlock(lines, start, 0);
  const rest = nextContent(lines, next);
  if (rest < lines.length) throw new YamlSubsetError(`unexpected content: ${lines[rest].text}`, lines[rest].no);
  return value;
}

module.exports = { parseYaml, YamlSubsetError };
