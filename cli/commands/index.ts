import type { Command } from 'commander';
import type { CliEnvironment } from '../context';
import { curateCommand } from './curate';
import { holdCommand } from './hold';
import { keyCommand } from './key';
import { produceCommand } from './produce';
import { queryCommand } from './query';
import { replayCommand } from './replay';
import { statusCommand } from './status';
import { verifyCommand } from './verify';

/**
 * Every command of `trades`, one file each (tj/commander.js examples/nestedCommands.js). A new
 * command is a file in this folder and one line here; a command with subcommands (`key status`)
 * builds its own Command and adds them to it.
 */
export const COMMANDS: readonly ((env: CliEnvironment) => Command)[] = [
  produceCommand,
  replayCommand,
  keyCommand,
  holdCommand,
  queryCommand,
  statusCommand,
  verifyCommand,
  curateCommand,
];
