export { COMMANDS, findCommand, type Command, type Scope, type ViewName } from './commands.js';
export { keyName, Keymap, splitKeys, type KeyPress } from './keymap.js';
export * from './config.js';
