// Reading what `mcp login` needs: a user name typed at the terminal, a password typed without
// echo (the terminal in raw mode, so each key is seen and none is shown), or one line of stdin.
import { createInterface } from 'node:readline';

import { LoginAbortedError, LoginInputError } from './auth-errors.js';

/** The terminal a prompt talks to. Default: stdin for keys, stderr for prompts. */
export interface Terminal {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WritableStream;
}

const TERMINAL: Terminal = { input: process.stdin, output: process.stderr };

/** The longest line read (a password or user name): 4 KiB. */
export const MAX_LINE = 4096;

/** One line typed at the terminal, shown as it is typed. Ctrl-C or Ctrl-D: LoginAbortedError. */
export function askLine(question: string, term: Terminal = TERMINAL): Promise<string> {
  const rl = createInterface({ input: term.input, output: term.output, terminal: true });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => {
      term.output.write('\n');
      rl.close();
    });
    rl.on('close', () => {
      if (!answered) reject(new LoginAbortedError());
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer.trim());
    });
  });
}

/**
 * A secret typed at the terminal with nothing echoed. Backspace (DEL or ^H) removes the last
 * character, Ctrl-U the whole line; Enter ends it; Ctrl-C, or Ctrl-D on an empty line, aborts
 * with LoginAbortedError. Escape sequences (arrow keys) and other control keys are ignored.
 */
export function askSecret(question: string, term: Terminal = TERMINAL): Promise<string> {
  const { input, output } = term;
  if (!input.isTTY) throw new LoginInputError('stdin is not a terminal');

  // Raw mode before the prompt: a key typed as soon as the prompt shows must not be echoed.
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  output.write(question);

  return new Promise<string>((resolve, reject) => {
    let chars: string[] = [];
    const finish = (error?: Error): void => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(chars.join(''));
    };

    const onData = (chunk: string): void => {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i] ?? '';
        if (c === '\r' || c === '\n') return finish();
        if (c === '\u0003') return finish(new LoginAbortedError());
        if (c === '\u0004') return chars.length === 0 ? finish(new LoginAbortedError()) : finish();
        if (c === '\u007f' || c === '\b') {
          chars.pop();
        } else if (c === '\u0015') {
          chars = [];
        } else if (c === '\u001b') {
          i += escapeLength(chunk.slice(i)) - 1;
        } else if (c >= ' ' && chars.length < MAX_LINE) {
          // Code points, so that a backspace removes a whole character.
          const point = String.fromCodePoint(chunk.codePointAt(i) ?? 0);
          chars.push(point);
          i += point.length - 1;
        }
      }
    };
    input.on('data', onData);
  });
}

/** Length of the escape sequence that starts `text` (ESC [ params final, ESC O x, ESC x). */
function escapeLength(text: string): number {
  // text[0] is ESC; what follows it decides the length.
  const rest = /^(?:\[[0-?]*[ -/]*[@-~]|O.|.)?/su.exec(text.slice(1));
  return 1 + (rest?.[0].length ?? 0);
}

/** The first line of `input` (for `--password-stdin`), without its line ending. */
export async function readStdinLine(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n') || text.length > MAX_LINE) break;
  }
  const line = text.split('\n')[0] ?? '';
  if (line.length > MAX_LINE)
    throw new LoginInputError(`the line on stdin is over ${MAX_LINE} bytes`);
  return line.replace(/\r$/, '');
}
