import { describe, expect, it } from 'vitest';
import { formatDiff, lineDiff } from './diff.ts';

describe('lineDiff', () => {
  it('keeps common lines and marks removed and added ones', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nx\nc\n')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
    ]);
  });

  it('is empty of changes for equal texts', () => {
    expect(lineDiff('a\nb', 'a\nb').every((l) => l.op === ' ')).toBe(true);
    expect(formatDiff(lineDiff('a\nb', 'a\nb'))).toBe('');
  });

  it('shows changes with context and separates distant hunks', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const after = ['1', 'two', '3', '4', '5', '6', '7', '8', 'nine'].join('\n');
    expect(formatDiff(lineDiff(before, after), 1)).toBe(
      '  1\n- 2\n+ two\n  3\n@@\n  8\n- 9\n+ nine\n',
    );
  });
});
