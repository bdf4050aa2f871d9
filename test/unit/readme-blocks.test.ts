import { shellBlocks } from '../support/readme-blocks';

describe('the documentation\'s shell blocks', () => {
  it('finds sh and bash blocks in order, with their lines, and leaves other languages out', () => {
    const markdown = ['# Title', '```sh', 'echo one', '```', 'text', '```ts', 'const x = 1;', '```', '````bash', 'echo two', '```', 'still two', '````'].join('\n');
    expect(shellBlocks(markdown)).toEqual([
      { line: 2, code: 'echo one', skip: false },
      { line: 9, code: 'echo two\n```\nstill two', skip: false },
    ]);
  });

  it('skips a block when the skip marker is the line before its fence, blank lines aside', () => {
    const markdown = ['<!-- readme-test: skip -->', '', '```sh', 'npm start', '```', 'Then:', '```sh', 'curl x', '```'].join('\n');
    expect(shellBlocks(markdown).map((block) => block.skip)).toEqual([true, false]);
  });

  it('does not take a marker further up for the block below it', () => {
    const markdown = ['<!-- readme-test: skip -->', 'A paragraph.', '```sh', 'echo runs', '```'].join('\n');
    expect(shellBlocks(markdown)[0]!.skip).toBe(false);
  });
});
