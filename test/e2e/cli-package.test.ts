/**
 * The command as users get it: build, `npm pack`, install the tarball into a fresh project, then run
 * `npx rocketmq-ts` there (help, and a decode of the fixture capture) and require `rocketmq-ts/wire`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');

describe('packed package', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-pack-'));
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'pipe' });
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer-project', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, packed)], { cwd: dir, stdio: 'pipe' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('npx rocketmq-ts --help lists the commands', () => {
    const out = execFileSync('npx', ['--no-install', 'rocketmq-ts', '--help'], { cwd: dir, encoding: 'utf8' });
    expect(out).toMatch(/Usage: rocketmq-ts[\s\S]*route[\s\S]*cluster[\s\S]*send[\s\S]*decode[\s\S]*tap/);
  });

  it('npx rocketmq-ts decode reads the fixture capture; bad input exits 2 with one line', () => {
    const out = execFileSync('npx', ['--no-install', 'rocketmq-ts', 'decode', path.join(ROOT, 'fixtures', 'pcap', 'producer-broker.pcap')], { cwd: dir, encoding: 'utf8' });
    expect(out.trim().split('\n').map((l) => (JSON.parse(l) as { name: string }).name)).toContain('SEND_MESSAGE_V2');
    let status = 0;
    let stderr = '';
    try {
      execFileSync('npx', ['--no-install', 'rocketmq-ts', 'decode', '--hex', 'xyz'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toBe('rocketmq-ts decode: --hex has a non-hex character "x" at position 0\n');
  });

  it('rocketmq-ts/wire resolves from the installed package (require and import)', () => {
    const cjs = execFileSync(process.execPath, ['-e', "const w=require('rocketmq-ts/wire'); console.log(w.requestCodeOf('SEND_MESSAGE_V2'))"], { cwd: dir, encoding: 'utf8' });
    expect(cjs.trim()).toBe('310');
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', "import { responseCodeNameOf } from 'rocketmq-ts/wire'; console.log(responseCodeNameOf(17))"], { cwd: dir, encoding: 'utf8' });
    expect(esm.trim()).toBe('TOPIC_NOT_EXIST');
  });
});
