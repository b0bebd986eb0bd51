import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPipelineInput } from '../../cli/commands/run';
import { tempDir } from '../support/fixtures';

describe('run pipeline options', () => {
  it('makes local paths absolute file URIs', () => {
    const folder = tempDir('cli');
    const input = buildPipelineInput({ input: folder, output: 'relative-out' });
    expect(input.input).toBe(`file://${folder}`);
    expect(input.output).toBe(`file://${path.resolve('relative-out')}`);
  });

  it('lets flags override the config file', () => {
    const folder = tempDir('cli');
    const config = path.join(folder, 'config.json');
    writeFileSync(config, JSON.stringify({ input: '/elsewhere', shardSizeBytes: 1024, filter: { enabled: false } }));
    const input = buildPipelineInput({ input: folder, config });
    expect(input.input).toBe(`file://${folder}`);
    expect(input.shardSizeBytes).toBe(1024);
    expect(input.filter.enabled).toBe(false);
  });

  it('rejects a missing local input path', () => {
    expect(() => buildPipelineInput({ input: '/nonexistent/corpusflow-in' })).toThrow('Input not found: /nonexistent/corpusflow-in.');
  });

  it('names the field of an invalid config value', () => {
    const folder = tempDir('cli');
    const config = path.join(folder, 'config.json');
    writeFileSync(config, JSON.stringify({ shardSizeBytes: 'big' }));
    expect(() => buildPipelineInput({ input: folder, config })).toThrow('Invalid pipeline config: shardSizeBytes: Invalid input: expected number, received string');
  });

  it('rejects a config file that is not JSON', () => {
    const folder = tempDir('cli');
    const config = path.join(folder, 'config.json');
    writeFileSync(config, 'shardSizeBytes = 5');
    expect(() => buildPipelineInput({ input: folder, config })).toThrow(`Config file ${config} is not a JSON object`);
  });
});
