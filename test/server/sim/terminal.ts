// A terminal of one screen for tests: rows of characters and a cursor, reading text, backspace, CR and LF (LF as a
// new line: dctop turns it into CR LF), CSI n C / n D, CSI K, CSI H and CSI 2J. Anything else is an error.
export class Terminal {
  rows: string[][] = [[]];
  row = 0;
  col = 0;

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\u001b' && text[i + 1] === '[') {
        const m = /^\u001b\[([0-9;]*)([A-Za-z~])/.exec(text.slice(i, i + 16));
        if (!m) throw new Error(`not a CSI sequence: ${JSON.stringify(text.slice(i, i + 8))}`);
        const n = Number(m[1] || '1');
        if (m[2] === 'C') this.col += n;
        else if (m[2] === 'D') this.col = Math.max(0, this.col - n);
        else if (m[2] === 'K') this.line.length = Math.min(this.line.length, this.col);
        else if (m[2] === 'H') [this.row, this.col] = [0, 0];
        else if (m[2] === 'J' && m[1] === '2') this.rows = [[]];
        else throw new Error(`unexpected sequence ${JSON.stringify(m[0])}`);
        i += m[0].length - 1;
      } else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch === '\r') this.col = 0;
      else if (ch === '\n') {
        this.row++;
        this.col = 0;
        this.rows[this.row] ??= [];
      } else {
        if (ch < ' ') throw new Error(`a control character ${JSON.stringify(ch)} in the echo`);
        while (this.line.length < this.col) this.line.push(' ');
        this.line[this.col++] = ch;
      }
    }
  }

  get line(): string[] {
    return (this.rows[this.row] ??= []);
  }

  /** The cursor's row, with a | where the cursor is. */
  get current(): string {
    const text = this.line.join('').padEnd(this.col);
    return `${text.slice(0, this.col)}|${text.slice(this.col)}`.trimEnd();
  }
}

