import { describe, expect, it } from 'vitest';
import { classifyRun, type RunObservation } from '../../../activities/sandbox/classify';

const clean: RunObservation = {
  exitCode: 0,
  signal: null,
  wallClockExceeded: false,
  outputExceeded: false,
  processLimitHits: 0,
  oomKills: 0,
  stderrTail: '',
};

describe('classifyRun', () => {
  it('passes on a passed report', () => {
    expect(classifyRun({ ...clean, report: { status: 'passed' } }).outcome).toBe('passed');
  });

  it('keeps the failing test of a failed report', () => {
    const result = classifyRun({ ...clean, report: { status: 'failed', failingTest: 'test_sum', message: '3 != 4' } });

    expect(result.outcome).toBe('failed');
    expect(result.failingTest).toBe('test_sum');
  });

  it('keeps the traceback tail of an error', () => {
    const result = classifyRun({ ...clean, report: { status: 'error', exceptionType: 'KeyError', tracebackTail: 'KeyError: 1' } });

    expect(result.outcome).toBe('error');
    expect(result.tracebackTail).toBe('KeyError: 1');
  });

  it('prefers the output limit over a passed report', () => {
    const result = classifyRun({ ...clean, outputExceeded: true, report: { status: 'passed' } });

    expect(result.outcome).toBe('output_limit');
    expect(result.limitReason).toBe('output_bytes');
  });

  it('reads an OOM kill as the memory limit', () => {
    const result = classifyRun({ ...clean, oomKills: 1, exitCode: 137, signal: 'SIGKILL' });

    expect(result.outcome).toBe('memory_limit');
  });

  it('reads MemoryError as the memory limit', () => {
    expect(classifyRun({ ...clean, report: { status: 'error', exceptionType: 'MemoryError' } }).outcome).toBe('memory_limit');
  });

  it('reads SIGXCPU as a CPU timeout', () => {
    const result = classifyRun({ ...clean, exitCode: 152, signal: 'SIGXCPU' });

    expect(result.outcome).toBe('timeout');
    expect(result.limitReason).toBe('cpu_time');
  });

  it('reads EFBIG as the file-size limit', () => {
    const result = classifyRun({ ...clean, exitCode: 0, report: { status: 'error', exceptionType: 'OSError', errno: 27 } });

    expect(result.outcome).toBe('output_limit');
    expect(result.limitReason).toBe('file_size');
  });

  it('reads a failed fork as the process limit', () => {
    const result = classifyRun({ ...clean, report: { status: 'error', exceptionType: 'BlockingIOError', errno: 11 } });

    expect(result.outcome).toBe('killed');
    expect(result.limitReason).toBe('process_limit');
  });

  it('reports the wall-clock timeout after a kill', () => {
    const result = classifyRun({ ...clean, exitCode: null, signal: 'SIGKILL', wallClockExceeded: true });

    expect(result.outcome).toBe('timeout');
    expect(result.limitReason).toBe('wall_clock');
  });

  it('calls a run without a report an error', () => {
    const result = classifyRun({ ...clean, exitCode: 3, stderrTail: 'boom' });

    expect(result.outcome).toBe('error');
    expect(result.message).toBe('the program exited with code 3 without reporting a test result');
  });
});
