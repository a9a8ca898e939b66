import { ElementType, parseDocument } from "htmlparser2";
import type { ChildNode, Element } from "domhandler";
import { escapeSlack, stripControls, wellFormed } from "./escape";
import { clip, ELLIPSIS, INPUT_MAX } from "./limits";
import { LOOKALIKES, type Marker, type MarkerAt, markersToReplace } from "./markers";
import { mrkdwnLink, safeUrl } from "./url";

/*
 * HTML → Slack mrkdwn.
 *
 * The document is folded bottom-up: each element's children are rendered first, then the element
 * combines their output. Layout that depends on neighbours (collapsing spaces across tags, merging
 * the line breaks of nested blocks, skipping empty emphasis) is deferred by emitting sentinel
 * characters instead of final text; `resolve` turns them into spaces, newlines and markers once the
 * surrounding context is known. The sentinels are C0 control characters, which `stripControls`
 * removes from all user text first, so they can never be forged. Emphasis markers stay sentinels
 * until the whole message is known (`finish`), and so do the sender's own `*`, `_`, `~` and
 * backticks: only then can it be seen which of the sender's would pair up in Slack (they become
 * look-alikes, see markers.ts) and which of ours sit inside a word (they get a zero-width space,
 * the word boundary Slack needs to format mid-word).
 *
 * The fold walks an explicit stack, so nesting depth costs heap, not call stack; beyond MAX_DEPTH
 * an element is rendered as its plain text, which bounds the work that nested blocks re-do.
 */

/** A `<br>`: one line break, or an empty line when repeated. */
const BR = "\x01";
/** Edge of a block element (`div`, `li`, `tr`…): the content starts on a new line. */
const LINE = "\x02";
/** Edge of a paragraph-like block (`p`, `pre`, `table`…): a blank line separates it. */
const PARA = "\x03";
/** Collapsible whitespace from the source, resolved the way a browser does. */
const SP = "\x04";
const BOLD = "\x05";
const ITALIC = "\x06";
const STRIKE = "\x07";
const CODE = "\x08";
/** A backtick, `*`, `_` or `~` written by the sender outside a code block (see `finish`). */
const USER_TICK = "\x0e";
const USER_STAR = "\x0f";
const USER_UNDERSCORE = "\x10";
const USER_TILDE = "\x11";
/** A backtick written by the sender inside a code block, where only a run of three matters. */
const PRE_TICK = "\x12";

/** Our markers and the sender's, by sentinel. */
const MARKERS: Readonly<Record<string, Marker>> = {
  [BOLD]: "*",
  [ITALIC]: "_",
  [STRIKE]: "~",
  [CODE]: "`",
  [USER_STAR]: "*",
  [USER_UNDERSCORE]: "_",
  [USER_TILDE]: "~",
  [USER_TICK]: "`",
  [PRE_TICK]: "`",
};

/** The sender's markers, held as sentinels while the message is converted. */
const SENDER_SENTINELS: Readonly<Record<string, string>> = {
  "*": USER_STAR,
  _: USER_UNDERSCORE,
  "~": USER_TILDE,
  "`": USER_TICK,
};

/** Deeper than any real message; past it, subtrees are flattened to text. */
const MAX_DEPTH = 100;
/** Nested lists stop indenting further past this depth, so indentation cannot outgrow the text. */
const MAX_INDENT_DEPTH = 6;
/** Slack's own nested list bullets. */
const BULLETS = ["•", "◦", "▪"];
const RULE = "──────────";

/** Never shown by a browser, so never shown in Slack. */
const DROPPED: ReadonlySet<string> = new Set(["script", "style", "head", "title", "template", "noscript"]);

/** Elements rendered on their own lines. */
const BLOCKS: readonly string[] = [
  "address",
  "article",
  "aside",
  "body",
  "caption",
  "center",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "header",
  "hgroup",
  "html",
  "legend",
  "li",
  "main",
  "menu",
  "nav",
  "section",
  "summary",
  "tr",
];

/** Elements with vertical margins in a browser: separated by a blank line. */
const PARAGRAPHS: readonly string[] = [
  "p",
  "pre",
  "table",
  "blockquote",
  "ul",
  "ol",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
];

const HEADINGS: readonly string[] = ["h1", "h2", "h3", "h4", "h5", "h6"];

interface Ctx {
  /** Output text only, with no Slack markup at all (used for attachment footers). */
  readonly plain: boolean;
  readonly bold: boolean;
  readonly italic: boolean;
  readonly strike: boolean;
  /** Inside inline code, where Slack shows markers literally. */
  readonly code: boolean;
  /** Inside a link label, which Slack can neither format nor nest links in. */
  readonly link: boolean;
  readonly pre: boolean;
  /** Inside a `pre` that is a fenced code block (not one flattened into a link or code span). */
  readonly fence: boolean;
  readonly quote: boolean;
  /** Inside `thead`, whose cells are headers even when written as `td`. */
  readonly header: boolean;
  readonly listDepth: number;
}

interface Part {
  readonly el?: Element;
  readonly s: string;
}

interface Frame {
  readonly el?: Element;
  readonly kids: readonly ChildNode[];
  i: number;
  /** Context of the children. */
  readonly ctx: Ctx;
  /** Context the element itself sits in. */
  readonly outer: Ctx;
  readonly parts: Part[];
}

function isElement(node: ChildNode): node is Element {
  return node.type === ElementType.Tag || node.type === ElementType.Script || node.type === ElementType.Style;
}

/** Where Slack markup would be shown literally or is not wanted. */
function noMarkup(ctx: Ctx): boolean {
  return ctx.plain || ctx.code || ctx.link || ctx.pre;
}

function concat(parts: readonly Part[]): string {
  let s = "";
  for (const p of parts) {
    s += p.s;
  }
  return s;
}

function isSpace(c: string): boolean {
  return c === SP || c === " " || c === "\u00a0";
}

/** A line's leading quote marker, bullets and numbers stay outside emphasis so they keep working. */
const LINE_PREFIX = /^(?:(?:>|[•◦▪]|\d{1,10}\.) +)+/;

function wrapSegment(seg: string, marker: string): string {
  let start = 0;
  let end = seg.length;
  while (start < end && isSpace(seg[start])) {
    start += 1;
  }
  while (end > start && isSpace(seg[end - 1])) {
    end -= 1;
  }
  if (start === end) {
    return seg;
  }
  const core = seg.slice(start, end);
  const prefix = LINE_PREFIX.exec(core)?.[0] ?? "";
  if (prefix.length === core.length) {
    return seg;
  }
  return seg.slice(0, start) + prefix + marker + core.slice(prefix.length) + marker + seg.slice(end);
}

/**
 * Wraps content in an emphasis marker the way Slack needs it: markers hug the text (surrounding
 * spaces move outside), empty content gets none, and content spanning several lines is wrapped line
 * by line because Slack emphasis does not cross line breaks. Code blocks are left unformatted.
 */
function wrap(content: string, marker: string): string {
  if (content.includes("```")) {
    return content;
  }
  return content
    .split(/([\x01-\x03\n]+)/)
    .map((seg, i) => (i % 2 === 1 ? seg : wrapSegment(seg, marker)))
    .join("");
}

/** One line of text: every break and space run becomes a single space. Markers are kept. */
function flatten(s: string): string {
  return s.replace(/[\x01-\x04\s]+/g, " ").trim();
}

/**
 * Turns layout sentinels into final text: space runs collapse (and vanish at line edges), block
 * edges and `<br>`s become at most two blank lines (none at the ends), and adjacent identical
 * emphasis is merged (`*a**b*` would not render). Markers stay sentinels (see `finish`). Idempotent.
 */
function resolve(s: string): string {
  const spaced = s.replace(/[\x01-\x04]+/g, (run: string, offset: number) => {
    const edge = offset === 0 || offset + run.length === s.length;
    let block = 0;
    let brs = 0;
    let brFirst = false;
    for (const c of run) {
      if (c === BR) {
        brFirst = brFirst || (brs === 0 && block === 0);
        brs += 1;
      } else if (c === LINE || c === PARA) {
        block = Math.max(block, c === PARA ? 2 : 1);
      }
    }
    if (edge) {
      return "";
    }
    if (block === 0 && brs === 0) {
      return " ";
    }
    // A <br> that ends a block adds no line of its own, as in a browser.
    const lines = block + brs - (block > 0 && brFirst ? 1 : 0);
    return "\n".repeat(Math.min(lines, 3));
  });
  const merged = spaced.replace(/\x05\x05|\x06\x06|\x07\x07|\x08\x08/g, "");
  return trimLines(merged).replace(/\n{4,}/g, "\n\n\n");
}

/**
 * Drops trailing spaces on every line, blank lines at both ends and the first line's indent.
 * Written as a scan because the obvious regexes (`/[ \t]+$/gm`) backtrack quadratically on long
 * runs of spaces.
 */
function trimLines(s: string): string {
  const lines = s.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    let end = line.length;
    while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t")) {
      end -= 1;
    }
    lines[i] = end === line.length ? line : line.slice(0, end);
    // A line of nothing but spaces (&nbsp; included) shows as empty, so make it empty.
    if (lines[i].trim() === "") {
      lines[i] = "";
    }
  }
  let first = 0;
  let last = lines.length;
  while (first < last && lines[first] === "") {
    first += 1;
  }
  while (last > first && lines[last - 1] === "") {
    last -= 1;
  }
  const kept = lines.slice(first, last);
  if (kept.length > 0) {
    // Indentation only means something relative to a line above it.
    kept[0] = kept[0].replace(/^[ \t]+/, "");
  }
  return kept.join("\n");
}

const WORD = /[\p{L}\p{N}\p{M}]/u;

function wordAt(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) {
    return false;
  }
  const code = s.charCodeAt(i);
  // Step back to the start of a surrogate pair so the whole code point is tested.
  const start = code >= 0xdc00 && code <= 0xdfff && i > 0 ? i - 1 : i;
  const cp = s.codePointAt(start);
  return cp !== undefined && WORD.test(String.fromCodePoint(cp));
}

/** How each sentinel or character takes part in pairing (see markers.ts). */
function classify(c: string): MarkerAt | undefined {
  switch (c) {
    case USER_STAR:
    case USER_UNDERSCORE:
    case USER_TILDE:
    case USER_TICK:
      return { m: MARKERS[c], sender: true };
    case BOLD:
    case ITALIC:
    case STRIKE:
    case CODE:
    case PRE_TICK:
      return { m: MARKERS[c], sender: false };
    case "*":
    case "_":
    case "~":
    case "`":
      // Inside code, or our fences: shown as they are, and they stay.
      return { m: c, sender: false };
    default:
      return undefined;
  }
}

/**
 * Turns the marker sentinels of the final text into characters:
 *
 * - the sender's `*`, `_`, `~` and backticks become look-alikes where they could pair up with each
 *   other or with ours (markers.ts), and stay as typed elsewhere; HipChat showed them literally;
 * - our emphasis markers get a zero-width space outside them where they touch a letter or digit:
 *   Slack formats only at word boundaries, so `foo*bar*` would show its asterisks;
 * - a run of three backticks that involves one of the sender's (inside a code block too) gets a
 *   zero-width space, so it can neither open a code block nor close ours early.
 *
 * Runs only once, on the final text, because only then are all neighbours known. In plain mode
 * the sender's markers are simply put back.
 */
function finish(s: string, plain: boolean): string {
  if (!/[\x05-\x08\x0e-\x12]/.test(s)) {
    return s;
  }
  const replace = plain ? new Set<number>() : markersToReplace(s, (i) => classify(s[i]));
  // Same length as `s`: every sentinel becomes exactly one character.
  let mapped = "";
  for (let i = 0; i < s.length; i += 1) {
    const m = MARKERS[s[i]];
    mapped += m === undefined ? s[i] : replace.has(i) ? LOOKALIKES[m] : m;
  }
  let out = "";
  let run = 0;
  let runHasSender = false;
  // Our markers alternate opening and closing on each line, per kind (see `wrap`).
  const open = new Set<string>();
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    const ours = c >= BOLD && c <= CODE;
    const opening = ours && !open.has(c);
    if (ours) {
      if (opening) {
        open.add(c);
      } else {
        open.delete(c);
      }
    } else if (c === "\n") {
      open.clear();
    }
    if (ours && opening && wordAt(mapped, i - 1)) {
      out += "\u200b";
      run = 0;
    }
    const tick = mapped[i] === "`";
    if (tick) {
      const sender = c === USER_TICK || c === PRE_TICK;
      if (run === 2 && (sender || runHasSender)) {
        out += "\u200b";
        run = 0;
        runHasSender = false;
      }
      run += 1;
      runHasSender = runHasSender || sender;
    } else {
      run = 0;
      runHasSender = false;
    }
    out += mapped[i];
    if (ours && !opening && wordAt(mapped, i + 1)) {
      out += "\u200b";
      run = 0;
      runHasSender = false;
    }
  }
  return out;
}

function renderText(data: string, ctx: Ctx): string {
  let text = escapeSlack(stripControls(data));
  if (ctx.plain) {
    text = text.replace(/`/g, USER_TICK);
  } else if (ctx.fence) {
    // In a code block only backticks matter (three in a row would end it).
    text = text.replace(/`/g, PRE_TICK);
  } else if (ctx.code && !ctx.link) {
    // In a code span `*`, `_` and `~` show as they are; a backtick would end it.
    text = text.replace(/`/g, USER_TICK);
  } else {
    text = text.replace(/[*_~`]/g, (c) => SENDER_SENTINELS[c]);
  }
  return ctx.pre ? text.replace(/\r\n?/g, "\n") : text.replace(/[ \t\n\r]+/g, SP);
}

/** The text of a subtree, without recursion; used past MAX_DEPTH. */
function flatText(root: Element, ctx: Ctx): string {
  let s = "";
  // Strings on the stack are separators to emit once an element's children are done.
  const stack: (ChildNode | string)[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as ChildNode | string;
    if (typeof node === "string") {
      s += node;
    } else if (node.type === ElementType.Text) {
      s += renderText(node.data, ctx);
    } else if (isElement(node) && !DROPPED.has(node.name)) {
      // Keep words of separate blocks apart; the line structure itself is given up at this depth.
      const separate = node.name === "br" || BLOCKS.includes(node.name) || PARAGRAPHS.includes(node.name);
      if (separate) {
        s += ctx.pre ? "\n" : SP;
        stack.push(ctx.pre ? "\n" : SP);
      }
      for (let i = node.children.length - 1; i >= 0; i -= 1) {
        stack.push(node.children[i]);
      }
    }
  }
  return s;
}

function styleFlags(el: Element): { bold: boolean; italic: boolean; strike: boolean } {
  // Only the start of the attribute is read: real inline styles are short, and the patterns below
  // would otherwise scan a hostile megabyte-long attribute once per match attempt.
  const style = (el.attribs.style ?? "").slice(0, 1000).toLowerCase();
  return {
    bold: /font-weight\s*:\s*(?:bold|bolder|[6-9]00)\b/.test(style),
    italic: /font-style\s*:\s*(?:italic|oblique)\b/.test(style),
    strike: /text-decoration(?:-line)?\s*:[^;]*line-through/.test(style),
  };
}

/** The context an element gives its children. */
function enter(el: Element, outer: Ctx): Ctx {
  switch (el.name) {
    case "b":
    case "strong":
    case "h1":
    case "h2":
    case "h3":
    case "h4":
    case "h5":
    case "h6":
    case "th":
      return { ...outer, bold: true };
    case "td":
      return outer.header ? { ...outer, bold: true } : outer;
    case "i":
    case "em":
    case "cite":
    case "dfn":
    case "var":
      return { ...outer, italic: true };
    case "s":
    case "strike":
    case "del":
      return { ...outer, strike: true };
    case "code":
    case "kbd":
    case "samp":
    case "tt":
      return { ...outer, code: true };
    case "a":
      return linkTarget(el, outer) === undefined ? outer : { ...outer, link: true };
    case "pre":
      return { ...outer, pre: true, fence: outer.fence || !(outer.link || outer.code || outer.plain) };
    case "blockquote":
      return { ...outer, quote: true };
    case "ul":
    case "ol":
      return { ...outer, listDepth: outer.listDepth + 1 };
    case "thead":
      return { ...outer, header: true };
    case "span": {
      const f = styleFlags(el);
      return {
        ...outer,
        bold: outer.bold || f.bold,
        italic: outer.italic || f.italic,
        strike: outer.strike || f.strike,
      };
    }
    default:
      return outer;
  }
}

function linkTarget(el: Element, outer: Ctx): string | undefined {
  return outer.link || outer.plain ? undefined : safeUrl(el.attribs.href, true);
}

/** Emphasis unless the same emphasis is already active or markup is impossible here. */
function emphasize(content: string, marker: string, active: boolean, outer: Ctx): string {
  return active || noMarkup(outer) ? content : wrap(content, marker);
}

function renderList(el: Element, parts: readonly Part[], outer: Ctx): string {
  const ordered = el.name === "ol";
  const depth = outer.listDepth + 1;
  const start = Number.parseInt(el.attribs.start ?? "", 10);
  let n = ordered && Number.isSafeInteger(start) && Math.abs(start) < 1e9 ? start : 1;
  const lines: string[] = [];
  for (const p of parts) {
    const body = resolve(p.s);
    if (p.el?.name === "li") {
      const bullet = ordered ? `${n}.` : BULLETS[(depth - 1) % BULLETS.length];
      n += 1;
      if (body === "") {
        continue;
      }
      const indent = depth <= MAX_INDENT_DEPTH ? " ".repeat(bullet.length + 1) : "";
      body.split("\n").forEach((line, i) => {
        lines.push(i === 0 ? `${bullet} ${line}` : line === "" ? "" : indent + line);
      });
    } else if (body !== "") {
      // Text or a list placed directly in the list (common in hand-written HTML): keep it nested.
      const isList = p.el !== undefined && (p.el.name === "ul" || p.el.name === "ol");
      const indent = isList && depth <= MAX_INDENT_DEPTH ? "  " : "";
      for (const line of body.split("\n")) lines.push(line === "" ? "" : indent + line);
    }
  }
  if (lines.length === 0) {
    return "";
  }
  const edge = outer.listDepth === 0 ? PARA : LINE;
  return edge + lines.join("\n") + edge;
}

function renderRow(parts: readonly Part[]): string {
  const cells: string[] = [];
  for (const p of parts) {
    if (p.el?.name === "td" || p.el?.name === "th") {
      cells.push(p.s);
    } else {
      const stray = flatten(p.s);
      if (stray !== "") {
        cells.push(stray);
      }
    }
  }
  return cells.some((c) => c !== "") ? LINE + cells.join(" | ") + LINE : "";
}

function renderPre(content: string, outer: Ctx): string {
  const body = content.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
  if (body.trim() === "") {
    // Still a block in a browser: what surrounds it stays on separate lines.
    return outer.link || outer.code ? "" : PARA;
  }
  if (outer.link || outer.code) {
    return body;
  }
  if (outer.plain) {
    return PARA + body + PARA;
  }
  return `${PARA}\`\`\`\n${body}\n\`\`\`${PARA}`;
}

function renderQuote(content: string, outer: Ctx): string {
  if (outer.quote || outer.link || outer.code) {
    // Slack quotes do not nest; the outer quote already marks these lines.
    return LINE + content + LINE;
  }
  const body = resolve(content);
  if (body === "") {
    return "";
  }
  if (outer.plain) {
    return PARA + body + PARA;
  }
  return (
    PARA +
    body
      .split("\n")
      .map((line) => (line === "" ? ">" : `> ${line}`))
      .join("\n") +
    PARA
  );
}

/** A link whose label may still hold the sender's marker sentinels. */
function link(url: string, label: string): string {
  const shown = label.replace(/[\x0e-\x11]/g, (c) => MARKERS[c]);
  // A label that reads the same as the URL gives the short form, as in `mrkdwnLink`.
  return mrkdwnLink(url, shown === escapeSlack(url) ? "" : label);
}

function renderImage(el: Element, outer: Ctx): string {
  const alt = flatten(renderText(el.attribs.alt ?? "", outer));
  if (outer.link || outer.plain) {
    return alt;
  }
  const src = safeUrl(el.attribs.src, false);
  return src === undefined ? alt : link(src, alt);
}

/** Combines an element's rendered children into the element's own output. */
function leave(el: Element, parts: readonly Part[], outer: Ctx): string {
  const name = el.name;
  if (outer.pre) {
    // Inside <pre> only line structure survives; there is no formatting in a code block.
    if (name === "br") {
      return "\n";
    }
    return BLOCKS.includes(name) || PARAGRAPHS.includes(name) ? `${concat(parts)}\n` : concat(parts);
  }
  switch (name) {
    case "br":
      return BR;
    case "hr":
      return LINE + RULE + LINE;
    case "img":
      return renderImage(el, outer);
    case "b":
    case "strong":
      return emphasize(concat(parts), BOLD, outer.bold, outer);
    case "i":
    case "em":
    case "cite":
    case "dfn":
    case "var":
      return emphasize(concat(parts), ITALIC, outer.italic, outer);
    case "s":
    case "strike":
    case "del":
      return emphasize(concat(parts), STRIKE, outer.strike, outer);
    case "code":
    case "kbd":
    case "samp":
    case "tt":
      return emphasize(concat(parts), CODE, false, outer);
    case "span": {
      const f = styleFlags(el);
      let s = emphasize(concat(parts), BOLD, outer.bold || !f.bold, outer);
      s = emphasize(s, ITALIC, outer.italic || !f.italic, outer);
      return emphasize(s, STRIKE, outer.strike || !f.strike, outer);
    }
    case "q":
      return `“${concat(parts)}”`;
    case "a": {
      const url = linkTarget(el, outer);
      return url === undefined ? concat(parts) : link(url, flatten(concat(parts)));
    }
    case "pre":
      return renderPre(concat(parts), outer);
    case "ul":
    case "ol":
      return renderList(el, parts, outer);
    case "li": {
      const parent = el.parent;
      const inList = parent !== null && "name" in parent && (parent.name === "ul" || parent.name === "ol");
      return inList ? concat(parts) : `${LINE}${BULLETS[0]} ${resolve(concat(parts))}${LINE}`;
    }
    case "blockquote":
      return renderQuote(concat(parts), outer);
    case "tr":
      return renderRow(parts);
    case "td":
    case "th": {
      const cell = flatten(concat(parts));
      const header = name === "th" || outer.header;
      return header ? emphasize(cell, BOLD, outer.bold, outer) : cell;
    }
    case "thead":
    case "tbody":
    case "tfoot":
      return concat(parts);
    default: {
      const content = concat(parts);
      if (HEADINGS.includes(name)) {
        return PARA + emphasize(content, BOLD, outer.bold, outer) + PARA;
      }
      if (PARAGRAPHS.includes(name)) {
        return PARA + content + PARA;
      }
      return BLOCKS.includes(name) ? LINE + content + LINE : content;
    }
  }
}

const ROOT_CTX: Ctx = {
  plain: false,
  bold: false,
  italic: false,
  strike: false,
  code: false,
  link: false,
  pre: false,
  fence: false,
  quote: false,
  header: false,
  listDepth: 0,
};

function render(html: string, plain: boolean): string {
  const input = typeof html === "string" ? html : "";
  const clipped = clip(input, INPUT_MAX);
  // Before parsing, so that two halves of a pair split by markup stay two replacement characters.
  const doc = parseDocument(wellFormed(clipped), { decodeEntities: true });
  const rootCtx: Ctx = plain ? { ...ROOT_CTX, plain: true } : ROOT_CTX;
  const stack: Frame[] = [{ kids: doc.children, i: 0, ctx: rootCtx, outer: rootCtx, parts: [] }];
  let out = "";
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.i < f.kids.length) {
      const node = f.kids[f.i];
      f.i += 1;
      if (node.type === ElementType.Text) {
        f.parts.push({ s: renderText(node.data, f.ctx) });
      } else if (isElement(node) && !DROPPED.has(node.name)) {
        if (stack.length > MAX_DEPTH) {
          f.parts.push({ el: node, s: flatText(node, f.ctx) });
        } else {
          const ctx = enter(node, f.ctx);
          stack.push({ el: node, kids: node.children, i: 0, ctx, outer: f.ctx, parts: [] });
        }
      }
      continue;
    }
    stack.pop();
    const s = f.el === undefined ? concat(f.parts) : leave(f.el, f.parts, f.outer);
    if (stack.length > 0) {
      stack[stack.length - 1].parts.push({ el: f.el, s });
    } else {
      out = finish(resolve(s), plain);
    }
  }
  return clipped.length < input.length ? out + ELLIPSIS : out;
}

/**
 * Converts an html-format HipChat message to Slack mrkdwn: emphasis, links (http/https/mailto
 * only), code, lists, tables, quotes and headings become their closest Slack form; everything else
 * becomes its text, with whitespace collapsed as a browser would. All text is escaped, so the only
 * `<…>` sequences in the output are links built from the message's own `href`/`src` URLs.
 */
export function htmlToMrkdwn(html: string): string {
  return render(html, false);
}

/**
 * Like {@link htmlToMrkdwn} but without any Slack markup (no markers, links reduced to their
 * text), for fields Slack shows as plain text. The text is still escaped.
 */
export function htmlToPlainText(html: string): string {
  return render(html, true);
}
