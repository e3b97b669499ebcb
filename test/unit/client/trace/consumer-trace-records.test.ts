import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newTraceBean, newTraceContext, type TraceType } from '../../../../src/client/trace/trace-context';
import { decodeTraceData, encodeTraceContext } from '../../../../src/client/trace/trace-data-encoder';

/** SubBefore / SubAfter records against Java's TraceDataEncoder (fixtures/golden/trace-records.json, made by fixtures/java TraceGoldens). */
interface Case {
  traceType: TraceType;
  timeStamp: string;
  regionId: string | null;
  groupName: string;
  requestId: string;
  costTime: number;
  isSuccess: boolean;
  contextCode: number;
  beans: Array<{ msgId: string; retryTimes: number; keys: string | null }>;
  transData: string;
  transKeys: string[];
}

const golden = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'fixtures', 'golden', 'trace-records.json'), 'utf8')) as { cases: Case[] };

function contextOf(c: Case) {
  const ctx = newTraceContext(c.traceType, {
    timeStamp: Number(c.timeStamp),
    regionId: c.regionId,
    groupName: c.groupName,
    requestId: c.requestId,
    costTime: c.costTime,
    isSuccess: c.isSuccess,
    contextCode: c.contextCode,
  });
  for (const b of c.beans) ctx.traceBeans.push(newTraceBean({ msgId: b.msgId, retryTimes: b.retryTimes, keys: b.keys }));
  return ctx;
}

describe('consumer trace records are the ones Java writes', () => {
  test('the golden file covers both record types, several beans, absent keys and region, failures', () => {
    expect(new Set(golden.cases.map((c) => c.traceType))).toEqual(new Set(['SubBefore', 'SubAfter']));
    expect(golden.cases.some((c) => c.beans.length > 1 && c.regionId === null && c.beans.some((b) => b.keys === null))).toBe(true);
    expect(golden.cases.some((c) => c.traceType === 'SubAfter' && !c.isSuccess && c.contextCode > 0)).toBe(true);
  });

  test.each(golden.cases.map((c, i) => [`${i} ${c.traceType}`, c] as const))('case %s: transData and transKeys', (_name, c) => {
    const out = encodeTraceContext(contextOf(c));
    expect(out.transData).toBe(c.transData);
    expect(new Set(out.transKeys)).toEqual(new Set(c.transKeys));
  });

  test.each(golden.cases.map((c, i) => [`${i} ${c.traceType}`, c] as const))('case %s: decoded as Java decodes it', (_name, c) => {
    const decoded = decodeTraceData(c.transData);
    expect(decoded).toHaveLength(c.beans.length);
    decoded.forEach((d, i) => {
      expect(d.traceType).toBe(c.traceType);
      expect(d.requestId).toBe(c.requestId);
      expect(d.traceBeans[0]!.msgId).toBe(c.beans[i]!.msgId);
      expect(d.traceBeans[0]!.keys).toBe(c.beans[i]!.keys ?? 'null');
      expect(d.timeStamp).toBe(Number(c.timeStamp));
      expect(d.groupName).toBe(c.groupName);
      if (c.traceType === 'SubBefore') {
        expect(d.traceBeans[0]!.retryTimes).toBe(c.beans[i]!.retryTimes);
        expect(d.regionId).toBe(c.regionId ?? 'null');
      } else {
        expect(d).toMatchObject({ costTime: c.costTime, isSuccess: c.isSuccess, contextCode: c.contextCode });
      }
    });
  });

  test('an old SubAfter record (no context code, timestamp or group) still decodes', () => {
    const [d] = decodeTraceData(['SubAfter', 'R', 'M', '5', 'false', 'k'].join('\u0001') + '\u0002');
    expect(d).toMatchObject({ traceType: 'SubAfter', requestId: 'R', costTime: 5, isSuccess: false, contextCode: 0 });
  });
});
