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
// 4. reconciler.js: a commit that changed nothing on screen renders no frame (Ink renders the whole screen after
//    every commit, even when the app re-rendered to the same text).
export const INK_VERSION = '6.8.0';

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
      '// dctop: patched: one cache for every frame, emptied when it grows past some fifty screens of distinct lines',
      '// (a styled line is an object per character: 2,000 lines of 120 columns are about 15 MB).',
      'const sharedCaches = new OutputCaches();',
      'const trimCaches = (caches) => {',
      '    if (caches.styledChars.size > 2000) caches.styledChars.clear();',
      '    if (caches.widths.size + caches.blockWidths.size > 20000) { caches.widths.clear(); caches.blockWidths.clear(); }',
      '};',
      'export default class Output {',
      '',
    ].join('\n'),
  },
  {
    file: 'output.js',
    what: 'output caches',
    from: '    get() {\n        // Initialize output array',
    to: '    get() {\n        trimCaches(this.caches); // dctop: patched\n        // Initialize output array',
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
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: 'let currentRootNode;\n',
    to: [
      'let currentRootNode;',
      '// dctop: patched: a commit that changed nothing Ink draws (a parent re-rendered to the same text) renders no frame:',
      '// a frame costs the whole screen laid out, styled and compared again. Every mutation of the host tree sets this.',
      'let hostChanged = true;',
      '',
    ].join('\n'),
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: "        if (typeof rootNode.onRender === 'function') {\n            rootNode.onRender();",
    to: "        if (!hostChanged) return; // dctop: patched\n        hostChanged = false;\n        if (typeof rootNode.onRender === 'function') {\n            rootNode.onRender();",
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '        if (!props && !style) {\n            return;\n        }\n',
    to: '        if (!props && !style) {\n            return;\n        }\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    commitTextUpdate(node, _oldText, newText) {\n',
    to: '    commitTextUpdate(node, _oldText, newText) {\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    removeChild(node, removeNode) {\n',
    to: '    removeChild(node, removeNode) {\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    removeChildFromContainer(node, removeNode) {\n',
    to: '    removeChildFromContainer(node, removeNode) {\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    appendChild: appendChildNode,\n',
    to: '    appendChild: (...args) => { hostChanged = true; return appendChildNode(...args); }, // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    insertBefore: insertBeforeNode,\n',
    to: '    insertBefore: (...args) => { hostChanged = true; return insertBeforeNode(...args); }, // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    appendChildToContainer: appendChildNode,\n',
    to: '    appendChildToContainer: (...args) => { hostChanged = true; return appendChildNode(...args); }, // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    insertInContainerBefore: insertBeforeNode,\n',
    to: '    insertInContainerBefore: (...args) => { hostChanged = true; return insertBeforeNode(...args); }, // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    hideTextInstance(node) {\n',
    to: '    hideTextInstance(node) {\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    unhideTextInstance(node, text) {\n',
    to: '    unhideTextInstance(node, text) {\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    hideInstance(node) {\n',
    to: '    hideInstance(node) {\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'reconciler.js',
    what: 'frames only for changes',
    from: '    unhideInstance(node) {\n',
    to: '    unhideInstance(node) {\n        hostChanged = true; // dctop: patched\n',
  },
  {
    file: 'render-node-to-output.js',
    what: 'output caches',
    from: '                const currentWidth = widestLine(text);\n',
    to: '                const currentWidth = output.caches.getWidestLine(text); // dctop: patched\n',
  },
];
