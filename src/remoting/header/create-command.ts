import type { LanguageName } from '../protocol/language-code';
import { RemotingCommand, RPC_TYPE_RESPONSE } from '../protocol/remoting-command';
import type { SerializeTypeName } from '../protocol/serialize-type';
import type { HeaderClass } from './decorators';
import { headerExtSource } from './header-ext-source';
import { fastHeaderKeysOf, fromExtFields } from './header-codec';

/** Command settings besides code, header and body (defaults: JSON, OTHER, version 479, opaque 0). */
export interface CommandOptions {
  serializeType?: SerializeTypeName;
  language?: LanguageName;
  version?: number;
  opaque?: number;
  remark?: string;
}

/**
 * Java's `RemotingCommand.createRequestCommand(code, header)` plus body: the header's values are
 * read and checked at once, so a missing required field or a bad value throws InvalidArgumentError
 * here, before any I/O. They are written into the frame directly; `extFields` becomes a map only
 * when read. A FastCodesHeader also records its key order for the ROCKETMQ header.
 */
export function createRequestCommand(
  code: number,
  header?: object,
  body?: Buffer,
  options: CommandOptions = {},
): RemotingCommand {
  return buildCommand(code, 0, options.remark, header, body, options);
}

/** Java's `createResponseCommand`: a response (flag bit 0) with an optional header and remark. */
export function createResponseCommand(
  code: number,
  remark?: string,
  header?: object,
  options: CommandOptions = {},
): RemotingCommand {
  return buildCommand(code, RPC_TYPE_RESPONSE, remark ?? options.remark, header, undefined, options);
}

function buildCommand(
  code: number,
  flag: number,
  remark: string | undefined,
  header: object | undefined,
  body: Buffer | undefined,
  options: CommandOptions,
): RemotingCommand {
  return new RemotingCommand({
    code,
    language: options.language,
    version: options.version,
    opaque: options.opaque,
    flag,
    remark,
    extFieldsSource: header ? headerExtSource(header) : undefined,
    body,
    serializeType: options.serializeType,
    fastHeaderKeys: header ? fastHeaderKeysOf(header.constructor as HeaderClass) : undefined,
  });
}

/** Java's `decodeCommandCustomHeader`: the command's extFields read into a new `ctor`. */
export function decodeCommandCustomHeader<T extends object>(cmd: RemotingCommand, ctor: new () => T): T {
  return fromExtFields(ctor, cmd.extFields);
}
