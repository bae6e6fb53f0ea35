export { COMMANDS, findCommand, type Command, type Scope } from './commands.js';
export * from './views.js';
export { keyName, Keymap, parseMouse, splitKeys, type KeyPress, type MouseReport } from './keymap.js';
export * from './config.js';
