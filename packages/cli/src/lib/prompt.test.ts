import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { readStdinLine } from './prompt.js';

describe('readStdinLine', () => {
  it.each([
    { description: 'one line', chunks: ['secret\n'], want: 'secret' },
    { description: 'a CRLF line', chunks: ['secret\r\n'], want: 'secret' },
    { description: 'the first of two lines', chunks: ['one\ntwo\n'], want: 'one' },
    { description: 'a line split over chunks', chunks: ['sec', 'ret\nmore'], want: 'secret' },
    { description: 'no line ending', chunks: ['secret'], want: 'secret' },
    { description: 'spaces kept', chunks: [' pass word \n'], want: ' pass word ' },
    { description: 'nothing', chunks: [], want: '' },
  ])('readStdinLine reads $description', async ({ chunks, want }) => {
    const input = Readable.from(chunks.map((c) => Buffer.from(c)));

    expect(await readStdinLine(input)).toBe(want);
  });
});
