import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateCost, formatUsd } from '../../src/athena/cost.js';
import { countPlaceholders, dateLiteral, executionParameters, quoteString, timestampLiteral, toSqlLiteral } from '../../src/athena/params.js';
import { ConfigError } from '../../src/errors.js';

/** Reads one SQL string literal back: the value, and whether the literal is the whole text. */
function readStringLiteral(sql: string): { value: string; whole: boolean } {
  expect(sql[0]).toBe("'");
  let value = '';
  let i = 1;
  for (; i < sql.length; i++) {
    if (sql[i] === "'") {
      if (sql[i + 1] === "'") {
        value += "'";
        i++;
      } else break;
    } else value += sql[i];
  }
  return { value, whole: i === sql.length - 1 };
}

describe('ExecutionParameters', () => {
  it("keeps a hostile string one quoted literal: O'Brien'; DROP TABLE x; --", () => {
    const hostile = "O'Brien'; DROP TABLE x; --";
    const literal = toSqlLiteral(hostile);
    expect(literal).toBe("'O''Brien''; DROP TABLE x; --'");
    expect(readStringLiteral(literal)).toEqual({ value: hostile, whole: true });
  });

  it('quotes any string as exactly one literal holding exactly that string', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", '"', '\\', ';', '-', ' ', 'a', '?', '\n', 'é') }), (s) => {
        expect(readStringLiteral(quoteString(s))).toEqual({ value: s, whole: true });
      }),
      { numRuns: 1000, seed: 11 },
    );
  });

  it('writes numbers bare, booleans and NULL as keywords, dates as TIMESTAMP literals', () => {
    expect(toSqlLiteral(42)).toBe('42');
    expect(toSqlLiteral(-1.5)).toBe('-1.5');
    expect(toSqlLiteral(2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(toSqlLiteral(true)).toBe('TRUE');
    expect(toSqlLiteral(null)).toBe('NULL');
    expect(toSqlLiteral(new Date(Date.UTC(2024, 0, 1, 2, 3, 4, 5)))).toBe("TIMESTAMP '2024-01-01 02:03:04.005'");
    expect(toSqlLiteral(timestampLiteral('2024-01-01 00:00:00'))).toBe("TIMESTAMP '2024-01-01 00:00:00'");
    expect(toSqlLiteral(dateLiteral('2024-05-01'))).toBe("DATE '2024-05-01'");
  });

  it('rejects values that are not literals of their type', () => {
    expect(() => toSqlLiteral(Number.NaN)).toThrow(ConfigError);
    expect(() => toSqlLiteral(Number.POSITIVE_INFINITY)).toThrow(ConfigError);
    expect(() => toSqlLiteral(2 ** 60)).toThrow(/bigint/);
    expect(() => timestampLiteral("2024-01-01' OR '1'='1")).toThrow(ConfigError);
    expect(() => toSqlLiteral({ sqlType: 'TIMESTAMP', text: "2024-01-01 00:00:00'; --" })).toThrow(ConfigError);
    expect(() => dateLiteral('yesterday')).toThrow(ConfigError);
  });

  it('counts ? outside strings, quoted names and comments, and checks the count', () => {
    expect(countPlaceholders(`SELECT '?', "a?" FROM t -- ?\nWHERE a = ? /* ? */ AND b = 'it''s ?' AND c = ?`)).toBe(2);
    expect(executionParameters('SELECT 1', [])).toBeUndefined();
    expect(executionParameters('SELECT * FROM t WHERE a = ? AND b > ?', ['x', 3])).toEqual(["'x'", '3']);
    expect(() => executionParameters('SELECT * FROM t WHERE a = ?', [])).toThrow(/1 \? placeholder/);
  });
});

describe('cost estimate', () => {
  const MB = 1_000_000;

  it('bills $5 per TB (10^12 bytes), rounded up to whole MB, 10 MB minimum', () => {
    expect(estimateCost({ dataScannedBytes: 0, state: 'SUCCEEDED', statementType: 'DML' })).toEqual({ billedBytes: 10 * MB, usd: 0.00005 });
    expect(estimateCost({ dataScannedBytes: 10 * MB + 1, state: 'SUCCEEDED', statementType: 'DML' })).toEqual({ billedBytes: 11 * MB, usd: 0.000055 });
    expect(estimateCost({ dataScannedBytes: 1e12, state: 'SUCCEEDED', statementType: 'DML' })).toEqual({ billedBytes: 1e12, usd: 5 });
    expect(estimateCost({ dataScannedBytes: 2.5e12 - 1, state: 'SUCCEEDED', statementType: 'DML' }).usd).toBeCloseTo(12.5, 10);
  });

  it('charges cancelled queries for what they scanned; DDL, UTILITY, failed and reused queries are free', () => {
    expect(estimateCost({ dataScannedBytes: 123 * MB, state: 'CANCELLED', statementType: 'DML' }).billedBytes).toBe(123 * MB);
    expect(estimateCost({ dataScannedBytes: 123 * MB, state: 'FAILED', statementType: 'DML' }).usd).toBe(0);
    expect(estimateCost({ dataScannedBytes: 0, state: 'SUCCEEDED', statementType: 'DDL' }).usd).toBe(0);
    expect(estimateCost({ dataScannedBytes: 0, state: 'SUCCEEDED', statementType: 'UTILITY' }).usd).toBe(0);
    expect(estimateCost({ dataScannedBytes: 5e9, state: 'SUCCEEDED', statementType: 'DML', reusedResult: true }).usd).toBe(0);
  });

  it('prints small amounts with enough digits', () => {
    expect(formatUsd(0.00005)).toBe('$0.000050');
    expect(formatUsd(12.5)).toBe('$12.50');
  });
});
