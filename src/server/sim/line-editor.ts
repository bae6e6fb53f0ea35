// The line editor of the simulated shell: what a terminal's readline does with keystrokes, as text to echo (with
// the escape sequences every terminal understands: CSI n C / n D to move, CSI K to erase to the end of the line,
// CSI H CSI 2J to clear) and lines to run. Keys: printable text inserts at the cursor; left/right, ctrl-b/ctrl-f,
// home/end, ctrl-a/ctrl-e and ctrl-left/right or alt-b/alt-f (by word) move; backspace, delete, ctrl-u (to the
// start), ctrl-k (to the end) and ctrl-w (a word) delete; up/down walk the history; ctrl-c abandons the line;
// ctrl-l clears the screen; ctrl-d on an empty line ends the input (at the end of a line: runs it, then ends;
// elsewhere: deletes under the cursor). An escape sequence may arrive split across messages; unknown ones are
// swallowed, never inserted. The line is kept as cells (a character and the marks that combine with it), each one
// or two columns wide, so that the cursor moves as the terminal's does; the cells left and right of the cursor are
// two stacks, so that every key costs the same however long the line. What the terminal shows is brought up to
// date once per message (and before each line runs): the echo of a message is at most one redraw of the line,
// and text typed at the end of the line is echoed as it came.

export type EditorEvent =
  /** To echo (stdout). */
  | { type: 'output'; text: string }
  /** Enter: a line to run (the newline was echoed). */
  | { type: 'line'; text: string }
  /** ctrl-c: the line was abandoned (^C and a newline echoed): a fresh prompt is due. */
  | { type: 'interrupt' }
  /** ctrl-l: clear the screen, then the prompt, then `redraw` (the line, with the cursor put back). */
  | { type: 'clear'; redraw: string }
  /** ctrl-d: the end of input, after running `line` when it is not empty (its newline was echoed). */
  | { type: 'eof'; line: string };

const ESC = '\u001b';
const CSI = `${ESC}[`;
/** Longest escape sequence kept while waiting for its end: anything longer is dropped. */
const MAX_SEQUENCE = 32;
const MAX_HISTORY = 500;
/** Cells a line may hold: what is typed beyond is dropped (a message is 64 KiB at most; lines add up over many). */
const MAX_LINE = 65_536;

/** Combining marks, zero-width joiners and variation selectors join the cell before them. */
const JOINS = /^[\p{M}\u200d\ufe00-\ufe0f]$/u;
/** East Asian wide and fullwidth characters and emoji take two columns. */
const WIDE = /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

function cellWidth(cell: string): number {
  return WIDE.test(cell) ? 2 : 1;
}

function widthOf(cells: readonly string[]): number {
  let w = 0;
  for (const c of cells) w += cellWidth(c);
  return w;
}

const left = (n: number) => (n > 0 ? `${CSI}${n}D` : '');
const right = (n: number) => (n > 0 ? `${CSI}${n}C` : '');
const ERASE_TO_END = `${CSI}K`;
export const CLEAR_SCREEN = `${CSI}H${CSI}2J`;

export class LineEditor {
  /** The cells left of the cursor, in order, and those right of it, last first (two stacks: a gap buffer). */
  private before: string[] = [];
  private after: string[] = [];
  /** What the terminal shows after the prompt, and where its cursor is (a cell index). */
  private shown: string[] = [];
  private shownCursor = 0;
  private readonly history: string[] = [];
  /** Where the up/down walk is: history.length is the line being written (kept in `draft` meanwhile). */
  private walk = 0;
  private draft = '';
  /** The start of an escape sequence that has not ended yet (it may end in the next message). */
  private sequence = '';
  /** The last character was a CR: an LF right after it is the same Enter (CR LF). */
  private afterCr = false;
  private events: EditorEvent[] = [];

  /** The line as typed so far. */
  get line(): string {
    return this.cells().join('');
  }

  private cells(): string[] {
    return this.before.concat([...this.after].reverse());
  }

  private get length(): number {
    return this.before.length + this.after.length;
  }

  /** Applies a message's keystrokes; returns what to echo and what to run, in order. */
  feed(text: string): EditorEvent[] {
    this.events = [];
    for (const ch of text) {
      if (this.sequence) this.continueSequence(ch);
      else if (ch === ESC) this.sequence = ESC;
      else this.key(ch);
      if (ch !== '\r') this.afterCr = false;
    }
    this.render();
    return this.events;
  }

  private out(text: string): void {
    if (!text) return;
    const last = this.events.at(-1);
    if (last?.type === 'output') last.text += text;
    else this.events.push({ type: 'output', text });
  }

  /** Brings the terminal's line up to date: from the first cell that differs, or only the cursor. */
  private render(): void {
    const cells = this.cells();
    const cursor = this.before.length;
    const { shown } = this;
    let same = 0;
    while (same < cells.length && same < shown.length && cells[same] === shown[same]) same++;
    if (same === cells.length && same === shown.length) {
      this.moveShown(cursor, cells);
      return;
    }
    if (same === cells.length && cursor === same && this.shownCursor === shown.length && shown.length - same === 1) {
      // One cell gone at the end (a backspace): rubbed out as terminals do.
      const w = cellWidth(shown[same]!);
      this.out('\b'.repeat(w) + ' '.repeat(w) + '\b'.repeat(w));
    } else {
      this.moveShown(same, shown);
      this.out(cells.slice(same).join(''));
      if (widthOf(shown.slice(same)) > widthOf(cells.slice(same))) this.out(ERASE_TO_END);
      this.out(left(widthOf(cells.slice(cursor))));
    }
    this.shown = cells;
    this.shownCursor = cursor;
  }

  /** Moves the terminal's cursor to cell `to` of `cells` (what it shows). */
  private moveShown(to: number, cells: readonly string[]): void {
    const from = this.shownCursor;
    if (to < from) this.out(left(widthOf(cells.slice(to, from))));
    else if (to > from) this.out(right(widthOf(cells.slice(from, to))));
    this.shownCursor = to;
  }

  private key(ch: string): void {
    switch (ch) {
      case '\r':
        this.afterCr = true;
        return this.enter();
      case '\n':
        if (this.afterCr) return; // CR LF
        return this.enter();
      case '\u007f':
      case '\b':
        this.before.pop();
        return;
      case '\u0001': return this.moveBy(-this.before.length); // ctrl-a
      case '\u0005': return this.moveBy(this.after.length); // ctrl-e
      case '\u0002': return this.moveBy(-1); // ctrl-b
      case '\u0006': return this.moveBy(1); // ctrl-f
      case '\u0015': // ctrl-u
        this.before = [];
        return;
      case '\u000b': // ctrl-k
        this.after = [];
        return;
      case '\u0017': // ctrl-w
        this.before.length = this.wordStart();
        return;
      case '\u0003': return this.interrupt(); // ctrl-c
      case '\u000c': return this.clear(); // ctrl-l
      case '\u0004': return this.eof(); // ctrl-d
      case '\t': return this.insert(' '); // no completion here: a tab separates words as a space does
      default:
        // Other control characters (and C1 controls) do nothing, as in readline; everything else is text.
        if (ch < ' ' || (ch >= '\u0080' && ch < '\u00a0')) return;
        return this.insert(ch);
    }
  }

  /** ESC [ params intermediates final (CSI), ESC O final (SS3), or ESC and one character (alt-key). */
  private continueSequence(ch: string): void {
    const seq = (this.sequence += ch);
    if (seq.length === 2) {
      if (ch === '[' || ch === 'O') return;
      this.sequence = '';
      if (ch === 'b') return this.moveTo(this.wordStart());
      if (ch === 'f') return this.moveTo(this.wordEnd());
      if (ch === ESC) this.sequence = ESC; // ESC ESC: the second one starts over
      return; // other alt-keys: swallowed
    }
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code > 0x7e) {
      // Not part of a sequence: what came so far is dropped, and this character is a key of its own.
      this.sequence = '';
      return ch === ESC ? void (this.sequence = ESC) : this.key(ch);
    }
    if (seq[1] === 'O' || (seq[2] === '[' && seq.length === 4)) {
      this.sequence = ''; // SS3, or the Linux console's function keys (ESC [ [ A)
      return this.named(seq.slice(1));
    }
    if (seq === `${CSI}[`) return;
    if (code >= 0x40 && code <= 0x7e) {
      this.sequence = '';
      return this.named(seq.slice(2));
    }
    if (seq.length > MAX_SEQUENCE) this.sequence = ''; // too long to be a key: dropped
  }

  /** A complete sequence, without its ESC [ (or with O for SS3). */
  private named(body: string): void {
    switch (body) {
      case 'A': case 'OA': return this.recall(-1);
      case 'B': case 'OB': return this.recall(1);
      case 'C': case 'OC': return this.moveBy(1);
      case 'D': case 'OD': return this.moveBy(-1);
      case 'H': case 'OH': case '1~': case '7~': return this.moveBy(-this.before.length);
      case 'F': case 'OF': case '4~': case '8~': return this.moveBy(this.after.length);
      case '3~': // delete
        this.after.pop();
        return;
      case '1;5C': case '1;3C': return this.moveTo(this.wordEnd());
      case '1;5D': case '1;3D': return this.moveTo(this.wordStart());
      default: // anything else (function keys, bracketed paste marks, reports): swallowed
    }
  }

  private insert(ch: string): void {
    if (JOINS.test(ch) && this.before.length > 0) {
      this.before[this.before.length - 1] += ch; // a mark joins the cell before the cursor
    } else if (this.length < MAX_LINE) {
      this.before.push(ch);
    }
  }

  private moveBy(n: number): void {
    for (; n < 0 && this.before.length > 0; n++) this.after.push(this.before.pop()!);
    for (; n > 0 && this.after.length > 0; n--) this.before.push(this.after.pop()!);
  }

  private moveTo(cell: number): void {
    this.moveBy(cell - this.before.length);
  }

  /** Where a word before the cursor starts (blanks, then the word, as ctrl-w and alt-b see it). */
  private wordStart(): number {
    const { before } = this;
    let i = before.length;
    while (i > 0 && /\s/.test(before[i - 1]!)) i--;
    while (i > 0 && !/\s/.test(before[i - 1]!)) i--;
    return i;
  }

  /** Where the word after the cursor ends (blanks, then the word, as alt-f sees it). */
  private wordEnd(): number {
    const { after } = this;
    let i = after.length;
    while (i > 0 && /\s/.test(after[i - 1]!)) i--;
    while (i > 0 && !/\s/.test(after[i - 1]!)) i--;
    return this.before.length + (after.length - i);
  }

  private recall(direction: -1 | 1): void {
    const to = this.walk + direction;
    if (to < 0 || to > this.history.length) return;
    if (this.walk === this.history.length) this.draft = this.line;
    this.walk = to;
    this.before = Array.from(to === this.history.length ? this.draft : this.history[to]!);
    this.after = [];
  }

  /** The line is done: into the history (unless blank or the same as the last one), and a fresh one begins. */
  private take(): string {
    const line = this.line;
    if (line.trim() && this.history.at(-1) !== line) {
      this.history.push(line);
      if (this.history.length > MAX_HISTORY) this.history.shift();
    }
    this.reset();
    return line;
  }

  /** A fresh line after a new prompt. */
  private reset(): void {
    this.before = [];
    this.after = [];
    this.shown = [];
    this.shownCursor = 0;
    this.walk = this.history.length;
    this.draft = '';
  }

  private enter(): void {
    this.moveBy(this.after.length);
    this.render();
    this.out('\n');
    this.events.push({ type: 'line', text: this.take() });
  }

  private interrupt(): void {
    this.render();
    this.out('^C\n');
    this.reset();
    this.events.push({ type: 'interrupt' });
  }

  private clear(): void {
    const cells = this.cells();
    this.events.push({ type: 'clear', redraw: cells.join('') + left(widthOf(this.after)) });
    this.shown = cells;
    this.shownCursor = this.before.length;
  }

  private eof(): void {
    if (this.after.length > 0) {
      this.after.pop(); // delete under the cursor
      return;
    }
    if (this.length > 0) {
      this.render();
      this.out('\n');
    }
    this.events.push({ type: 'eof', line: this.take() });
  }
}
