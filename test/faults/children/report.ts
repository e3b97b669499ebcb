/** Line protocol from a child scenario to its parent test (see support/child.ts). */
export function event(name: string): void {
  process.stdout.write(`@@event ${name}\n`);
}

export function result(value: unknown): void {
  process.stdout.write(
    `@@result ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`,
  );
}

export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
}

export function envString(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') {
    process.stderr.write(`missing env ${name}\n`);
    process.exit(2);
  }
  return v;
}
