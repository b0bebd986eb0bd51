// The README's configuration table is the user's reference: every pipeline option must be in it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineInput } from '../../schemas/pipeline';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

function optionNames(shape: Record<string, unknown>, prefix = ''): string[] {
  return Object.keys(shape).map((key) => `${prefix}${key}`);
}

describe('README configuration table', () => {
  it('documents every top-level pipeline option', () => {
    for (const name of optionNames(PipelineInput.shape)) {
      const documented = readme.includes(`| \`${name}\``) || readme.includes(`| \`${name}.`);
      expect(documented, `README lacks the option "${name}"`).toBe(true);
    }
  });

  it('documents every extract option', () => {
    const extract = PipelineInput.shape.extract.unwrap().shape;
    for (const name of optionNames(extract, 'extract.')) {
      expect(readme.includes(`| \`${name}\``), `README lacks the option "${name}"`).toBe(true);
    }
  });

  it('gives the defaults that the schema applies', () => {
    const defaults = PipelineInput.parse({});
    expect(readme).toContain(`| \`shardSizeBytes\` | \`${defaults.shardSizeBytes}\``);
    expect(readme).toContain(`| \`maxChildrenPerRun\` | \`${defaults.maxChildrenPerRun}\``);
    expect(readme).toContain(`| \`extract.maxRecordBytes\` | \`${defaults.extract.maxRecordBytes}\``);
  });
});

describe('README model endpoint example', () => {
  it('parses as a pipeline input and an llm config', async () => {
    const { LlmConfig } = await import('../../schemas/llm');
    const { CodeWithTests } = await import('../../activities/fim/schema');
    const block = /```json\n(\{\n {2}"fim"[\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block, 'README lacks the fim config example').toBeDefined();
    const config = JSON.parse(block!) as { fim: { options: { llm: unknown } } };
    expect(PipelineInput.safeParse({ input: '/data', ...config }).success).toBe(true);
    expect(LlmConfig.safeParse(config.fim.options.llm).error?.issues).toBeUndefined();

    const line = /`(\{"id": "add-1".*?\})`/.exec(readme)?.[1];
    expect(line, 'README lacks the code_with_tests example line').toBeDefined();
    expect(CodeWithTests.safeParse(JSON.parse(line!)).error?.issues).toBeUndefined();
  });
});
