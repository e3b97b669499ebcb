/**
 * Response codes (`ResponseCode.java`, `RemotingSysResponseCode.java`). `retriable` is seeded from the
 * Java producer's default `retryResponseCodes`: a sync send retries exactly these broker answers.
 */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  INVALID_PARAMETER: 29,
  TRANSACTION_SHOULD_COMMIT: 200,
  TRANSACTION_SHOULD_ROLLBACK: 201,
  TRANSACTION_STATE_UNKNOW: 202,
  TRANSACTION_STATE_GROUP_WRONG: 203,
  NO_BUYER_ID: 204,
  NOT_IN_CURRENT_UNIT: 205,
  CONSUMER_NOT_ONLINE: 206,
  CONSUME_MSG_TIMEOUT: 207,
  NO_MESSAGE: 208,
  POLLING_FULL: 209,
  POLLING_TIMEOUT: 210,
  BROKER_NOT_EXIST: 211,
  BROKER_DISPATCH_NOT_COMPLETE: 212,
  BROADCAST_CONSUMPTION: 213,
  FLOW_CONTROL: 215,
  NOT_LEADER_FOR_QUEUE: 501,
  ILLEGAL_OPERATION: 604,
  GO_AWAY: 1500,
  USER_NOT_EXIST: 3001,
  POLICY_NOT_EXIST: 3002,
} as const;
export type ResponseCodeName = keyof typeof ResponseCode;

/** Java `DefaultMQProducer.retryResponseCodes` defaults. */
export const DEFAULT_RETRY_RESPONSE_CODES: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
  ResponseCode.GO_AWAY,
]);

const names = new Map<number, ResponseCodeName>();
for (const [n, c] of Object.entries(ResponseCode)) names.set(c, n as ResponseCodeName);

export function responseCodeName(code: number): string {
  return names.get(code) ?? String(code);
}

/** The name of a known response code, undefined for others. */
export function responseCodeNameOf(code: number): ResponseCodeName | undefined {
  return names.get(code);
}

/** The code of a response name (`'TOPIC_NOT_EXIST'` -> 17), undefined for a name this table lacks. */
export function responseCodeOf(name: string): number | undefined {
  return Object.hasOwn(ResponseCode, name) ? ResponseCode[name as ResponseCodeName] : undefined;
}

export function isRetriableResponseCode(code: number): boolean {
  return DEFAULT_RETRY_RESPONSE_CODES.has(code);
}
