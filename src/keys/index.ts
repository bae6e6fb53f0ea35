export { COMMANDS, findCommand, type Command, type Scope } from './commands.js';
export * from './views.js';
export { keyName, Keymap, splitKeys, type KeyPress } from './keymap.js';
export * from './config.js';
