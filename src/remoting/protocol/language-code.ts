/** `LanguageCode` of the Java remoting module: the name goes into JSON headers, the byte into ROCKETMQ ones. */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  /** Added in RocketMQ 5.3.2; older brokers do not know it. */
  NODE_JS: 13,
} as const;
export type LanguageName = keyof typeof LanguageCode;

const byCode: (LanguageName | undefined)[] = [];
for (const [name, code] of Object.entries(LanguageCode)) byCode[code] = name as LanguageName;

export function languageFromByte(b: number): LanguageName | undefined {
  return byCode[b];
}

export function isLanguageName(s: unknown): s is LanguageName {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(LanguageCode, s);
}

const NAMES = Object.keys(LanguageCode) as LanguageName[];

/** The language of a name as sent in JSON headers; undefined for a name we do not know (Java: null). */
export function languageFromName(name: string): LanguageName | undefined {
  // Comparing a decoded (not interned) string with a dozen names is cheaper than a keyed lookup.
  for (let i = 0; i < NAMES.length; i++) if (NAMES[i] === name) return NAMES[i];
  return undefined;
}
