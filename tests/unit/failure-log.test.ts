import pino from 'pino';
import { RepeatedFailureLog } from '../../worker/failure-log';

interface Line {
  level: number;
  msg: string;
  failures?: number;
  previousFailures?: number;
}

function capture(): { lines: Line[]; log: RepeatedFailureLog; clock: { now: number } } {
  const lines: Line[] = [];
  const clock = { now: 0 };
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  const log = new RepeatedFailureLog(logger, { failed: 'drain failed', still: 'drain still failing', recovered: 'drain recovered' }, 60_000, () => clock.now);
  return { lines, log, clock };
}

describe('RepeatedFailureLog', () => {
  it('logs a failure that repeats every tick once, its count every repeat period, and once when it clears', () => {
    const { lines, log, clock } = capture();
    for (let tick = 0; tick < 240; tick += 1) {
      clock.now = tick * 1000;
      log.failed('tenant-a', new Error(`connection ${tick} refused`), { tenant: 'a' });
    }
    expect(lines.map((l) => [l.msg, l.failures])).toEqual([
      ['drain failed', undefined],
      ['drain still failing', 61],
      ['drain still failing', 121],
      ['drain still failing', 181],
    ]);
    log.succeeded('tenant-a');
    log.succeeded('tenant-a');
    expect(lines.slice(4).map((l) => [l.msg, l.level, l.failures])).toEqual([['drain recovered', 30, 240]]);
  });

  it('treats another cause, or another subject, as a new condition', () => {
    const { lines, log } = capture();
    log.failed('tenant-a', new Error('too many clients'));
    log.failed('tenant-a', new Error('too many clients'));
    log.failed('tenant-b', new Error('too many clients'));
    log.failed('tenant-a', new Error('database "x" does not exist'));
    expect(lines.map((l) => [l.msg, l.previousFailures])).toEqual([
      ['drain failed', undefined],
      ['drain failed', undefined],
      ['drain failed', 2],
    ]);
    log.forget('tenant-b');
    log.succeeded('tenant-b');
    expect(lines).toHaveLength(3);
  });
});
