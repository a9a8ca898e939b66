/**
 * Slack's formatting markers in the sender's text.
 *
 * HipChat showed `*`, `_`, `~` and `` ` `` as typed; Slack reads a pair of them as bold, italic,
 * strike or code, and has no escape for them (a backslash or an entity stays visible). So where a
 * sender's marker could pair up, it is replaced by a look-alike that Slack does not read; a marker
 * that cannot pair (`a * b`, `file_name`, a lone backtick) is left as typed, so most text copies
 * and pastes unchanged.
 *
 * Why look-alikes rather than a zero-width space: a zero-width space is what makes Slack *start*
 * formatting mid-word (it counts as a word boundary, not as a space), so slipping one next to a
 * marker is not reliably inert; a look-alike is not a marker at all, whatever Slack's rules. The
 * cost is on copy and paste: the pasted character is the look-alike, visibly close but not the
 * same code point. The code points are the ones jsx-slack uses for the same purpose.
 */

export type Marker = "*" | "_" | "~" | "`";

/** What each marker is shown as where it would otherwise pair up. */
export const LOOKALIKES: Readonly<Record<Marker, string>> = {
  "*": "\u2217", // ∗ ASTERISK OPERATOR
  _: "\u02cd", // ˍ MODIFIER LETTER LOW MACRON
  "~": "\u223c", // ∼ TILDE OPERATOR
  "`": "\u02cb", // ˋ MODIFIER LETTER GRAVE ACCENT
};

/** How a position of the text takes part in pairing. */
export interface MarkerAt {
  readonly m: Marker;
  /** The sender's marker, which may be replaced; otherwise one that must stay (ours, or inside code). */
  readonly sender: boolean;
}

const MARKER_LIST: readonly Marker[] = ["*", "_", "~", "`"];

function isSpaceAt(s: string, i: number): boolean {
  // Out of range, a line break or a plain space/tab. Other Unicode spaces are counted as text, which
  // errs towards finding a pair (and replacing) rather than missing one.
  if (i < 0 || i >= s.length) {
    return true;
  }
  const c = s[i];
  return c === " " || c === "\t" || c === "\n";
}

const WORD = /[\p{L}\p{N}]/u;

/** Whether the code point that ends just before `i` is a letter or a digit. */
function wordBefore(s: string, i: number): boolean {
  if (i <= 0) {
    return false;
  }
  const low = s.charCodeAt(i - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  const cp = s.codePointAt(start);
  return cp !== undefined && WORD.test(String.fromCodePoint(cp));
}

/**
 * Slack formats text between an opening and a closing marker on one line (a code span may also
 * cross lines, so backticks are paired across the whole text). Modelled generously, so that what
 * Slack could pair is a subset of what is found here:
 *
 * - an opener is a marker followed by something other than a space (an underscore also needs no
 *   letter or digit right before it: Slack leaves `snake_case_name` alone);
 * - a closer is a marker preceded by something other than a space;
 * - a pair is an opener and a later closer with at least one character between them.
 */
function isOpener(s: string, i: number, m: Marker): boolean {
  return !isSpaceAt(s, i + 1) && !(m === "_" && wordBefore(s, i));
}

function isCloser(s: string, i: number): boolean {
  return !isSpaceAt(s, i - 1);
}

interface Scope {
  /** Sender's openers not yet paired, in order (`head` skips the paired ones). */
  pending: number[];
  head: number;
  /** Sender's markers that could open or close something in this scope. */
  active: number[];
  /** The scope also holds a marker that must stay (ours or code content). */
  fixed: boolean;
}

function newScope(): Scope {
  return { pending: [], head: 0, active: [], fixed: false };
}

/**
 * The positions of sender's markers that must be replaced so that none of them can pair up:
 *
 * - pairs of the sender's own markers are found left to right, each closer taking the earliest
 *   open opener; both ends of every pair are replaced. Afterwards no opener is left before a
 *   closer, so no pair remains;
 * - a sender's marker that could open or close, in a scope (a line, or the whole text for
 *   backticks) that also holds a marker that must stay, is replaced as well, because it could pair
 *   with that one or cut it short.
 *
 * Linear in the length of `s`.
 *
 * @param s The text as Slack will receive it, except for the markers classified by `at`.
 * @param at Classifies position `i`; `undefined` for anything that is not a marker.
 */
export function markersToReplace(s: string, at: (i: number) => MarkerAt | undefined): Set<number> {
  const out = new Set<number>();
  const scopes = new Map<Marker, Scope>(MARKER_LIST.map((m) => [m, newScope()]));
  const close = (m: Marker): void => {
    const scope = scopes.get(m) as Scope;
    if (scope.fixed) {
      for (const i of scope.active) {
        out.add(i);
      }
    }
    scopes.set(m, newScope());
  };
  for (let i = 0; i < s.length; i += 1) {
    if (s[i] === "\n") {
      close("*");
      close("_");
      close("~");
      continue;
    }
    const k = at(i);
    if (k === undefined) {
      continue;
    }
    const scope = scopes.get(k.m) as Scope;
    if (!k.sender) {
      scope.fixed = true;
      continue;
    }
    const opener = isOpener(s, i, k.m);
    const closer = isCloser(s, i);
    if (opener || closer) {
      scope.active.push(i);
    }
    if (closer && scope.head < scope.pending.length && scope.pending[scope.head] < i - 1) {
      out.add(scope.pending[scope.head]);
      out.add(i);
      scope.head += 1;
    } else if (opener) {
      scope.pending.push(i);
    }
  }
  for (const m of MARKER_LIST) {
    close(m);
  }
  return out;
}

/** The marker a character is, if any. */
export function markerOf(c: string): Marker | undefined {
  return c === "*" || c === "_" || c === "~" || c === "`" ? c : undefined;
}
