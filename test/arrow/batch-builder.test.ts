import { RecordBatchStreamWriter, tableFromIPC, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../src/arrow/batch-builder.js';
import { C, COLUMN_NAMES, EVENT_SCHEMA } from '../../src/schema.js';

function sample(rows: number): EventBatchBuilder {
  const b = new EventBatchBuilder();
  const ascii = Buffer.from('GetObject');
  for (let i = 0; i < rows; i++) {
    b.cols.time.append(Date.UTC(2024, 0, 1, 0, 0, i));
    b.cols.action.appendBytes(ascii, 0, ascii.length);
    if (i % 3 !== 0) b.cols.principal.appendString(`arn:aws:iam::111122223333:user/u${i % 5}`);
    b.cols.http_status.append(200 + (i % 7));
    b.cols.bytes_out.append(2 ** 40 + i);
    b.cols.read_only.append(i % 2 === 0);
    b.cols.user_agent.appendString(`ua-é-${i}`);
    b.endRow();
  }
  return b;
}

describe('EventBatchBuilder', () => {
  it('builds a batch of the event schema with values, nulls and dictionaries', () => {
    const batch = sample(1000).flush();
    expect(batch.schema.fields.map((f) => f.name)).toEqual(EVENT_SCHEMA.fields.map((f) => f.name));
    expect(batch.numRows).toBe(1000);
    const t = new Table([batch]);
    expect(t.getChild(C.time)!.get(5)).toBe(Date.UTC(2024, 0, 1, 0, 0, 5));
    expect(t.getChild(C.principal)!.get(0)).toBeNull();
    expect(t.getChild(C.principal)!.get(1)).toBe('arn:aws:iam::111122223333:user/u1');
    expect(t.getChild(C.principal)!.data[0].dictionary!.length).toBe(5);
    expect(t.getChild(C.bytes_out)!.get(7)).toBe(BigInt(2 ** 40 + 7));
    expect(t.getChild(C.read_only)!.get(3)).toBe(false);
    expect(t.getChild(C.user_agent)!.get(9)).toBe('ua-é-9');
    expect(t.getChild(C.bucket)!.nullCount).toBe(1000);
    expect(t.getChild(C.principal)!.nullCount).toBe(334);
  });

  it('replaces invalid UTF-8 and says so', () => {
    const b = new EventBatchBuilder();
    b.cols.object_key.appendBytes(Buffer.from([0x61, 0xff, 0x62]), 0, 3);
    b.endRow();
    expect(b.takeInvalidUtf8()).toBe(true);
    expect(b.takeInvalidUtf8()).toBe(false);
    expect(new Table([b.flush()]).getChild(C.object_key)!.get(0)).toBe('a\ufffdb');
  });

  it('starts fresh after flush and round-trips through an IPC stream with replaced dictionaries', () => {
    const b = sample(10);
    const first = b.flush();
    b.cols.principal.appendString('anonymous');
    b.endRow();
    const second = b.flush();
    expect(second.numRows).toBe(1);
    const t = tableFromIPC(RecordBatchStreamWriter.writeAll([first, second]).toUint8Array(true));
    expect(t.numRows).toBe(11);
    expect(t.getChild(C.principal)!.get(10)).toBe('anonymous');
    expect(t.getChild(C.principal)!.get(2)).toBe('arn:aws:iam::111122223333:user/u2');
    expect(t.schema.fields.map((f) => f.name)).toEqual(COLUMN_NAMES);
  });

  it('reports full when maxRows is reached', () => {
    const b = new EventBatchBuilder(2);
    expect(b.endRow()).toBe(false);
    expect(b.endRow()).toBe(true);
  });
});

describe('dictionary columns with invalid UTF-8', () => {
  it('map repeated bad bytes to one repaired entry and flag them', () => {
    const b = new EventBatchBuilder();
    const bad = Buffer.from([0x62, 0xc3, 0x28, 0x61]);
    for (let i = 0; i < 3; i++) {
      b.cols.bucket.appendBytes(bad, 0, bad.length);
      b.endRow();
    }
    b.cols.bucket.appendString('b\ufffd(a');
    b.endRow();
    expect(b.takeInvalidUtf8()).toBe(true);
    const col = new Table([b.flush()]).getChild(C.bucket)!;
    expect(col.data[0].dictionary!.length).toBe(1);
    expect(col.get(2)).toBe('b\ufffd(a');
  });
});
