import { ResponseCode } from '../remoting/protocol/response-code';

/**
 * Outcome of a send that the broker accepted (Java `SendStatus`). Anything but `SEND_OK` means the
 * message is stored on the master but a flush or the replication to a slave did not finish in time.
 */
export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

export const SEND_STATUSES: readonly SendStatus[] = ['SEND_OK', 'FLUSH_DISK_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'SLAVE_NOT_AVAILABLE'];

/**
 * Java `MQClientAPIImpl.processSendResponse`: the status for a send response code, or undefined when
 * the code is an error (the caller then raises a `BrokerResponseError`).
 */
export function sendStatusFromResponseCode(code: number): SendStatus | undefined {
  switch (code) {
    case ResponseCode.SUCCESS:
      return 'SEND_OK';
    case ResponseCode.FLUSH_DISK_TIMEOUT:
      return 'FLUSH_DISK_TIMEOUT';
    case ResponseCode.FLUSH_SLAVE_TIMEOUT:
      return 'FLUSH_SLAVE_TIMEOUT';
    case ResponseCode.SLAVE_NOT_AVAILABLE:
      return 'SLAVE_NOT_AVAILABLE';
    default:
      return undefined;
  }
}
