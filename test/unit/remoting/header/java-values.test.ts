import {
  javaDoubleToString,
  parseJavaBoolean,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from '../../../../src/remoting/header';

describe('Java value parsing and formatting', () => {
  test.each([
    ['0', 0],
    ['-0', 0],
    ['+7', 7],
    ['007', 7],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['2147483648', undefined],
    ['', undefined],
    [' 1', undefined],
    ['1.0', undefined],
    ['1e3', undefined],
    ['0x10', undefined],
    ['+', undefined],
  ])('Integer.parseInt(%j) = %p', (s, v) => {
    expect(parseJavaInt(s)).toBe(v);
  });

  test.each([
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', undefined],
    ['+1700000000000', 1700000000000n],
    ['1_000', undefined],
    ['', undefined],
  ])('Long.parseLong(%j) = %p', (s, v) => {
    expect(parseJavaLong(s)).toBe(v);
  });

  test.each([
    ['true', true],
    ['TRUE', true],
    ['tRuE', true],
    ['false', false],
    ['yes', false],
    ['1', false],
    [' true', false],
    ['', false],
  ])('Boolean.parseBoolean(%j) = %p', (s, v) => {
    expect(parseJavaBoolean(s)).toBe(v);
  });

  test.each([
    ['1.5', 1.5],
    [' 2 ', 2],
    ['1e3', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['1.0f', 1],
    ['-Infinity', -Infinity],
    ['NaN', NaN],
    ['abc', undefined],
    ['0x1p3', undefined],
    ['', undefined],
  ])('Double.parseDouble(%j) = %p', (s, v) => {
    expect(parseJavaDouble(s)).toBe(v);
  });

  test.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1234567.5, '1234567.5'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [1e21, '1.0E21'],
    [1.5e-10, '1.5E-10'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    [Number.MIN_VALUE, '5.0E-324'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('Double.toString(%p) = %j', (d, s) => {
    expect(javaDoubleToString(d)).toBe(s);
  });
});
