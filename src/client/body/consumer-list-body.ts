import { lazy, zod } from '../../lazy-zod';
import { parseJsonBody } from './parse-json-body';

/** Java `GetConsumerListByGroupResponseBody`, the answer to GET_CONSUMER_LIST_BY_GROUP (38). */
export const GetConsumerListByGroupResponseBodySchema = lazy(() => {
  const z = zod();
  return z.looseObject({
    consumerIdList: z.array(z.string()).nullish(),
  });
});

/** The client ids of the group's members as the broker knows them (possibly none). */
export function parseConsumerIdList(body: Uint8Array | undefined): string[] {
  return parseJsonBody(GetConsumerListByGroupResponseBodySchema(), body, 'GET_CONSUMER_LIST_BY_GROUP').consumerIdList ?? [];
}
