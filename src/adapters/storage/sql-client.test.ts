import { describe, expect, it } from 'vitest';
import { copyLine, copySql, parseBigint, parseTimestamp } from './sql-client.ts';

describe('COPY text', () => {
  it.each([
    [['a', 1, null, ''], 'a,1,,""\n'],
    [['x,y', 'say "hi"', 'two\nlines'], '"x,y","say ""hi""","two\nlines"\n'],
    [[true, undefined, -5], 'true,,-5\n'],
  ])('encodes %j', (values, line) => {
    expect(copyLine(values)).toBe(line);
  });

  it('quotes identifiers and refuses anything else', () => {
    expect(copySql('t', ['from', 'to'], 'STDIN')).toBe(
      'COPY t ("from", "to") FROM STDIN WITH (FORMAT csv)',
    );
    expect(() => copySql('t; drop', ['a'], 'STDIN')).toThrow('invalid identifier');
  });
});

describe('value parsing', () => {
  it('keeps bigints exact or refuses them', () => {
    expect(parseBigint('9007199254740991')).toBe(9007199254740991);
    expect(() => parseBigint('9007199254740993')).toThrow('safe range');
  });

  it.each([
    ['2026-11-29 12:55:01.12+08', '2026-11-29T04:55:01.120Z'],
    ['2026-11-29 12:55:01+05:30', '2026-11-29T07:25:01.000Z'],
    ['2026-01-01 00:00:00+00', '2026-01-01T00:00:00.000Z'],
  ])('reads timestamptz %s', (text, iso) => {
    expect(parseTimestamp(text)).toBe(iso);
  });
});
