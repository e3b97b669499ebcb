/**
 * Runs one request through the script before its handler: a matched rule delays it, drops it,
 * answers for it, answers GO_AWAY, closes the connection, or lets it be answered twice.
 */
import { ResponseCode } from '../remoting/protocol/response-code';
import { newExtFields } from '../remoting/protocol/remoting-command';
import type { FakeExchange, FakeListener, FakeResponse } from './fake-listener';
import type { FakeScript } from './fake-script';

/** Handles the request, answering through `reply` (now or later). */
export type Dispatch = (reply: (r: FakeResponse) => void) => void;

export function applyScript(script: FakeScript, target: string, listener: FakeListener, ex: FakeExchange, dispatch: Dispatch): void {
  const ext = ex.request.extFields;
  const topic = ext?.topic ?? ext?.b;
  const action = script.take(ex.request.code, target, topic);
  const reply = (r: FakeResponse): void => listener.respond(ex, r);
  if (!action) {
    dispatch(reply);
    return;
  }
  switch (action.type) {
    case 'delay':
      listener.later(action.ms, () => dispatch(reply));
      return;
    case 'drop':
      return;
    case 'respond': {
      const fields = newExtFields();
      Object.assign(fields, action.extFields ?? {});
      reply({ code: action.code, remark: action.remark, extFields: fields });
      return;
    }
    case 'goAway':
      reply({ code: ResponseCode.GO_AWAY, remark: 'fake: going away' });
      return;
    case 'close':
      ex.socket.destroy();
      return;
    case 'twice':
      dispatch((r) => {
        reply(r);
        reply(r);
      });
      return;
  }
}
