// Changes to ink 6.8.0, as data: scripts/patch-ink.mjs applies them to node_modules in a development install,
// scripts/bundle.mjs to the bundle that is published.
//
// 1. log-update.js: the incremental renderer moves the cursor up one line too few when the previous frame ended with
//    a newline (every frame that is shorter than the terminal does), so each frame is drawn one row lower than the
//    last. The fix is the one the same function already applies when a frame shrinks (upstream in ink 7+, which
//    needs Node 22).
// 2. output.js: the caches of styled characters and string widths are made per frame, so every line of every frame
//    is tokenized and measured again although most lines did not change. One bounded cache shared by all frames
//    turns that into lookups (measured: a sixth of the monitor's CPU under churn). render-node-to-output.js measures
//    every text node of every frame outside any cache (another 8%): it uses the shared cache too.
// 3. ink.js: a resize repaints the whole screen; a frame exactly as tall as the terminal is drawn in place.
// 4. output.js: a row written as in the last frame is not drawn again (Ink built a grid of an object per cell and
//    styled every row of every frame: a fifth of the monitor's CPU under churn).
// 5. ink.js, components/App.js: the frame that follows a key is drawn at once, not at the end of the render throttle
//    (1000/maxFps ms after the last frame): under a stream of changes, a third of the keys waited behind a frame.
// 6. measure-text.js, wrap-text.js: their caches kept every distinct text ever laid out (each log line, each figure
//    that changed, each name that came and went): the monitor's memory grew all the time it ran. They are bounded.
// 7. measure-text.js, output.js: text of one column a character (dctop's PLAIN in src/views/text.ts: ASCII, Latin-1,
//    the screen's symbols) is measured by its length: string-width segments anything not ASCII into graphemes,
//    some 28 µs a text, and every changed figure of every frame is measured.
// 8. sanitize-ansi.js: a styled text (its colours are escape codes) was tokenized again on every frame to keep only
//    its colours; the same texts come frame after frame: each is sanitized once (bounded as the caches of 6).
export const INK_VERSION = '6.8.0';

/** The class of src/views/text.ts's PLAIN (a test checks that they are the same). */
export const PLAIN_SOURCE = String.raw`^[\x20-\x7e\xa0-\xac\xae-\xff\u2010-\u2027\u2190-\u21ff\u2500-\u25fc\u25ff\u2699\u2718]*$`;

/** Ink's caches of texts are bounded by the characters they keep (a log line can be long): some hundred screens. */
const TEXT_CACHE_CHARS = 1_000_000;
/** The lines that put `value` under `key` in `cache`, emptied first once its `counter` of characters is past the bound. */
const keepBounded = (cache, counter, key, value, chars) => [
  `    ${counter} += ${chars}; // dctop: patched: bounded`,
  `    if (${counter} > ${TEXT_CACHE_CHARS}) { ${cache}.clear(); ${counter} = ${chars}; }`,
  `    ${cache}.set(${key}, ${value});`,
];

export const PATCHES = [
  {
    file: 'log-update.js',
    what: 'the start-up check',
    from: "import ansiEscapes from 'ansi-escapes';\n",
    to: "import ansiEscapes from 'ansi-escapes';\nglobalThis.__dctopInkFixed = true; // dctop: patched (the monitor renders incrementally only with the fix)\n",
  },
  {
    file: 'log-update.js',
    what: 'incremental rendering',
    from: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
    to: "buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1))); // dctop: patched",
  },
  {
    file: 'output.js',
    what: 'output caches',
    from: '    caches = new OutputCaches();\n',
    to: '    caches = sharedCaches; // dctop: patched\n',
  },
  {
    file: 'output.js',
    what: 'output caches',
    from: 'export default class Output {\n',
    to: [
      '// dctop: patched: one cache for every frame, emptied when it grows past some fifteen screens of distinct lines',
      '// (a styled line is an object per character: 600 lines of 120 columns are about 5 MB). A scroll moves every',
      '// row: their lines are in it.',
      'const sharedCaches = new OutputCaches();',
      "const SPACE = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });",
      'let lastFrame = { width: -1, rows: [] };',
      'const samePlacements = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);',
      'const trimCaches = (caches) => {',
      '    if (caches.styledChars.size > 600) caches.styledChars.clear();',
      '    if (caches.widths.size + caches.blockWidths.size > 20000) { caches.widths.clear(); caches.blockWidths.clear(); }',
      '};',
      'export default class Output {',
      '',
    ].join('\n'),
  },
  {
    file: 'output.js',
    what: 'rows drawn only when they change',
    from: [
      '        const output = [];',
      '        for (let y = 0; y < this.height; y++) {',
      '            const row = [];',
      '            for (let x = 0; x < this.width; x++) {',
      '                row.push({',
      "                    type: 'char',",
      "                    value: ' ',",
      '                    fullWidth: false,',
      '                    styles: [],',
      '                });',
      '            }',
      '            output.push(row);',
      '        }',
      '',
    ].join('\n'),
    to: [
      '        // dctop: patched: each row is first the list of what is written on it (x, text); a row written as in the',
      '        // last frame is not drawn again.',
      '        trimCaches(this.caches);',
      '        const output = [];',
      '        for (let y = 0; y < this.height; y++) {',
      '            output.push([]);',
      '        }',
      '',
    ].join('\n'),
  },
  {
    file: 'output.js',
    what: 'rows drawn only when they change',
    // The characters go into the row when it is drawn (drawRow), not here.
    from: [
      '                    const characters = this.caches.getStyledChars(line);',
      '                    let offsetX = x;',
      '                    for (const character of characters) {',
      '                        currentLine[offsetX] = character;',
      '                        // Determine printed width using string-width to align with measurement',
      '                        const characterWidth = Math.max(1, this.caches.getStringWidth(character.value));',
      '                        // For multi-column characters, clear following cells to avoid stray spaces/artifacts',
      '                        if (characterWidth > 1) {',
      '                            for (let index = 1; index < characterWidth; index++) {',
      '                                currentLine[offsetX + index] = {',
      "                                    type: 'char',",
      "                                    value: '',",
      '                                    fullWidth: false,',
      '                                    styles: character.styles,',
      '                                };',
      '                            }',
      '                        }',
      '                        offsetX += characterWidth;',
      '                    }',
    ].join('\n'),
    to: '                    currentLine.push(x, line); // dctop: patched',
  },
  {
    file: 'output.js',
    what: 'rows drawn only when they change',
    from: [
      '        const generatedOutput = output',
      '            .map(line => {',
      '            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742',
      '            const lineWithoutEmptyItems = line.filter(item => item !== undefined);',
      '            return styledCharsToString(lineWithoutEmptyItems).trimEnd();',
      '        })',
      "            .join('\\n');",
    ].join('\n'),
    to: [
      '        // dctop: patched: a row written exactly as in the last frame (of this width) is that frame\'s text.',
      '        const previous = lastFrame.width === this.width ? lastFrame.rows : [];',
      '        const rows = output.map((placed, y) => {',
      '            const before = previous[y];',
      '            return before && samePlacements(before.placed, placed) ? before : { placed, text: this.drawRow(placed) };',
      '        });',
      '        lastFrame = { width: this.width, rows };',
      "        const generatedOutput = rows.map(row => row.text).join('\\n');",
    ].join('\n'),
  },
  {
    file: 'output.js',
    what: 'rows drawn only when they change',
    from: '    clip(clip) {\n',
    to: [
      '    // dctop: patched: a row as the original drew it: spaces, then each write in order (a wide character blanks',
      '    // the cells it covers), then the styled string, its trailing spaces cut.',
      '    drawRow(placed) {',
      '        const row = new Array(this.width).fill(SPACE);',
      '        for (let i = 0; i < placed.length; i += 2) {',
      '            let offsetX = placed[i];',
      '            for (const character of this.caches.getStyledChars(placed[i + 1])) {',
      '                row[offsetX] = character;',
      '                const characterWidth = Math.max(1, this.caches.getStringWidth(character.value));',
      '                if (characterWidth > 1) {',
      '                    for (let index = 1; index < characterWidth; index++) {',
      "                        row[offsetX + index] = { type: 'char', value: '', fullWidth: false, styles: character.styles };",
      '                    }',
      '                }',
      '                offsetX += characterWidth;',
      '            }',
      '        }',
      '        // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742',
      '        return styledCharsToString(row.filter(item => item !== undefined)).trimEnd();',
      '    }',
      '    clip(clip) {',
      '',
    ].join('\n'),
  },
  {
    file: 'ink.js',
    what: 'repaint on resize',
    from: [
      '    resized = () => {',
      '        const currentWidth = this.getTerminalWidth();',
      '        if (currentWidth < this.lastTerminalWidth) {',
      '            // We clear the screen when decreasing terminal width to prevent duplicate overlapping re-renders.',
      '            this.log.clear();',
      '            this.lastOutput = \'\';',
      '            this.lastOutputToRender = \'\';',
      '        }',
      '        this.calculateLayout();',
      '        this.onRender();',
      '        this.lastTerminalWidth = currentWidth;',
      '    };',
    ].join('\n'),
    to: [
      '    resized = () => {',
      '        // dctop: patched: a resize of any kind (a width or a height, larger or smaller) repaints the whole screen,',
      '        // since the terminal cut or re-flowed what was on it and no line of the last frame can be trusted. The',
      '        // frame itself comes from the app, which renders again for its new size; a moment later, the last output is',
      '        // written in full in case it did not (same output: nothing more is written).',
      '        this.options.stdout.write(\'\\u001b[2J\\u001b[3J\\u001b[H\');',
      '        this.log.clear();',
      '        this.lastOutput = \'\';',
      '        this.lastOutputToRender = \'\';',
      '        this.lastOutputHeight = 0;',
      '        this.calculateLayout();',
      '        setTimeout(() => this.onRender(), 50);',
      '        this.lastTerminalWidth = this.getTerminalWidth();',
      '    };',
    ].join('\n'),
  },
  {
    file: 'ink.js',
    what: 'full-height frames',
    from: '        if (this.lastOutputHeight >= this.options.stdout.rows) {\n',
    to: '        if (this.lastOutputHeight > this.options.stdout.rows) { // dctop: patched: a frame of exactly the height is drawn in place\n',
  },
  {
    file: 'ink.js',
    what: 'frames after input at once',
    from: '    hasPendingThrottledRender = false;\n',
    to: [
      '    hasPendingThrottledRender = false;',
      '    // dctop: patched: input arrived since the last frame (App calls inputArrived): the next one is drawn at once.',
      '    inputPending = false;',
      '    inputArrived = () => {',
      '        this.inputPending = true;',
      '    };',
      '',
    ].join('\n'),
  },
  {
    file: 'ink.js',
    what: 'frames after input at once',
    from: [
      '            this.rootNode.onRender = () => {',
      '                this.hasPendingThrottledRender = true;',
      '                throttled();',
      '            };',
    ].join('\n'),
    to: [
      '            this.rootNode.onRender = () => {',
      '                if (this.inputPending) { // dctop: patched',
      '                    this.inputPending = false;',
      '                    throttled.cancel();',
      '                    this.onRender();',
      '                    return;',
      '                }',
      '                this.hasPendingThrottledRender = true;',
      '                throttled();',
      '            };',
    ].join('\n'),
  },
  {
    file: 'ink.js',
    what: 'frames after input at once',
    from: 'setCursorPosition: this.setCursorPosition, onExit: this.handleAppExit }',
    to: 'setCursorPosition: this.setCursorPosition, onExit: this.handleAppExit, onInput: this.inputArrived /* dctop: patched */ }',
  },
  {
    file: 'components/App.js',
    what: 'frames after input at once',
    from: 'function App({ children, stdin, stdout, stderr, writeToStdout, writeToStderr, exitOnCtrlC, onExit, setCursorPosition, }) {',
    to: 'function App({ children, stdin, stdout, stderr, writeToStdout, writeToStderr, exitOnCtrlC, onExit, setCursorPosition, onInput, }) { // dctop: patched',
  },
  {
    file: 'components/App.js',
    what: 'frames after input at once',
    from: [
      '    const emitInput = useCallback((input) => {',
      '        handleInput(input);',
      '        internal_eventEmitter.current.emit(\'input\', input);',
      '    }, [handleInput]);',
    ].join('\n'),
    to: [
      '    const emitInput = useCallback((input) => {',
      '        onInput?.(); // dctop: patched',
      '        handleInput(input);',
      '        internal_eventEmitter.current.emit(\'input\', input);',
      '    }, [handleInput, onInput]);',
    ].join('\n'),
  },
  {
    file: 'render-node-to-output.js',
    what: 'output caches',
    from: '                const currentWidth = widestLine(text);\n',
    to: '                const currentWidth = output.caches.getWidestLine(text); // dctop: patched\n',
  },
  {
    file: 'measure-text.js',
    what: 'bounded text caches',
    from: 'const cache = new Map();\n',
    to: [
      '// dctop: patched: bounded by the characters kept',
      'const cache = new Map();',
      'let cachedChars = 0;',
      '',
    ].join('\n'),
  },
  {
    file: 'measure-text.js',
    what: 'bounded text caches',
    from: '    cache.set(text, dimensions);\n',
    to: [...keepBounded('cache', 'cachedChars', 'text', 'dimensions', 'text.length'), ''].join('\n'),
  },
  {
    file: 'wrap-text.js',
    what: 'bounded text caches',
    from: 'const cache = {};\n',
    to: "const cache = new Map(); // dctop: patched: bounded, as measure-text.js's\nlet cachedChars = 0;\n",
  },
  {
    file: 'wrap-text.js',
    what: 'bounded text caches',
    from: '    const cachedText = cache[cacheKey];\n',
    to: '    const cachedText = cache.get(cacheKey); // dctop: patched\n',
  },
  {
    file: 'wrap-text.js',
    what: 'bounded text caches',
    from: '    cache[cacheKey] = wrappedText;\n',
    to: [...keepBounded('cache', 'cachedChars', 'cacheKey', 'wrappedText', '(cacheKey.length + wrappedText.length)'), ''].join('\n'),
  },
  {
    file: 'measure-text.js',
    what: 'one column a character',
    from: '    const width = widestLine(text);\n',
    to: `    const width = PLAIN.test(text) ? text.length : widestLine(text); // dctop: patched\n`,
  },
  {
    file: 'measure-text.js',
    what: 'one column a character',
    from: "import widestLine from 'widest-line';\n",
    to: `import widestLine from 'widest-line';\nconst PLAIN = /${PLAIN_SOURCE}/; // dctop: patched\n`,
  },
  {
    file: 'output.js',
    what: 'one column a character',
    from: '            cached = stringWidth(text);\n',
    to: '            cached = PLAIN.test(text) ? text.length : stringWidth(text); // dctop: patched\n',
  },
  {
    file: 'output.js',
    what: 'one column a character',
    from: "import stringWidth from 'string-width';\n",
    to: `import stringWidth from 'string-width';\nconst PLAIN = /${PLAIN_SOURCE}/; // dctop: patched\n`,
  },
  {
    file: 'sanitize-ansi.js',
    what: 'sanitized once',
    from: [
      'const sanitizeAnsi = (text) => {',
      '    if (!hasAnsiControlCharacters(text)) {',
      '        return text;',
      '    }',
      "    let output = '';",
    ].join('\n'),
    to: [
      '// dctop: patched: each styled text sanitized once (bounded by the characters kept)',
      'const sanitized = new Map();',
      'let sanitizedChars = 0;',
      'const sanitizeAnsi = (text) => {',
      '    if (!hasAnsiControlCharacters(text)) {',
      '        return text;',
      '    }',
      '    let output = sanitized.get(text);',
      '    if (output !== undefined) return output;',
      '    output = sanitizeOnce(text);',
      ...keepBounded('sanitized', 'sanitizedChars', 'text', 'output', 'text.length'),
      '    return output;',
      '};',
      'const sanitizeOnce = (text) => {',
      "    let output = '';",
    ].join('\n'),
  },
];
