/** Our request/response code tables against the constants of Java's RequestCode / ResponseCode (fixtures/golden/codes.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestCode } from '../../../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../../../src/remoting/protocol/response-code';

const golden = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/golden/codes.json'), 'utf8')) as {
  requestCodes: Record<string, number>;
  responseCodes: Record<string, number>;
};

describe('codes equal Java', () => {
  it.each(Object.entries(RequestCode))('RequestCode.%s', (name, code) => {
    expect(golden.requestCodes[name]).toBe(code);
  });
  it.each(Object.entries(ResponseCode))('ResponseCode.%s', (name, code) => {
    expect(golden.responseCodes[name]).toBe(code);
  });
});
