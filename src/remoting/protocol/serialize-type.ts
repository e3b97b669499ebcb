/** Header encodings of a remoting frame; the frame's type byte says which one a peer used. */
export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeTypeName = keyof typeof SerializeType;

export function serializeTypeFromByte(b: number): SerializeTypeName | undefined {
  if (b === 0) return 'JSON';
  if (b === 1) return 'ROCKETMQ';
  return undefined;
}
