export { COMMANDS, findCommand, type Command, type Scope, type ViewName } from './commands.js';
export { keyName, Keymap, type KeyPress } from './keymap.js';
export * from './config.js';
