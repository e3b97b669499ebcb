import { DEFAULT_REGION_ID, SEND_STATUSES, sendStatusFromResponseCode } from '../../../src/producer/send-result';

describe('send results', () => {
  it('maps response codes like MQClientAPIImpl.processSendResponse', () => {
    expect(sendStatusFromResponseCode(0)).toBe('SEND_OK');
    expect(sendStatusFromResponseCode(10)).toBe('FLUSH_DISK_TIMEOUT');
    expect(sendStatusFromResponseCode(12)).toBe('FLUSH_SLAVE_TIMEOUT');
    expect(sendStatusFromResponseCode(11)).toBe('SLAVE_NOT_AVAILABLE');
    for (const code of [1, 2, 13, 14, 16, 17, 29, 1500]) expect(sendStatusFromResponseCode(code)).toBeUndefined();
    expect(SEND_STATUSES).toEqual(['SEND_OK', 'FLUSH_DISK_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'SLAVE_NOT_AVAILABLE']);
    expect(DEFAULT_REGION_ID).toBe('DefaultRegion');
  });
});
