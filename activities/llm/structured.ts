// Structured output from zod schemas. Requests name a registered schema, because a zod schema
// cannot travel through Temporal history. The reply is parsed and validated. When it fails, the
// model is shown its validation error and asked again.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { ChatMessage, LlmEndpoint } from '../../schemas/llm';
import { builtinResponseSchemas } from './response-schemas';

const responseSchemas = new Map<string, z.ZodType>(Object.entries(builtinResponseSchemas));

/** Registers a schema under a name that requests can carry in `responseSchema`. */
export function registerResponseSchema(name: string, schema: z.ZodType): void {
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
    throw new Error(`Invalid response schema name "${name}": use 1-64 letters, digits, _ or -, as response_format requires`);
  }
  responseSchemas.set(name, schema);
}

export function responseSchemaFor(name: string): z.ZodType {
  const schema = responseSchemas.get(name);
  if (!schema) {
    const known = [...responseSchemas.keys()].join(', ') || 'none';
    throw ApplicationFailure.nonRetryable(`Response schema "${name}" is not registered in this worker (registered: ${known})`, 'LlmSchemaNotRegistered');
  }
  return schema;
}

/** Builds the `response_format` request field for the endpoint's structured-output mode. */
export function responseFormatFor(mode: LlmEndpoint['structuredOutput'], name: string, schema: z.ZodType): Record<string, unknown> | undefined {
  if (mode === 'json_schema') {
    // `$schema` only names the JSON Schema draft, which the endpoint does not need.
    const { $schema: _draft, ...jsonSchema } = z.toJSONSchema(schema);
    return { type: 'json_schema', json_schema: { name, schema: jsonSchema } };
  }
  if (mode === 'json_object') return { type: 'json_object' };
  return undefined;
}

export type ParsedReply = { ok: true; value: unknown } | { ok: false; error: string };

/** Parses a reply as JSON (a surrounding Markdown code fence is allowed) and validates it. */
export function parseReply(content: string, schema: z.ZodType): ParsedReply {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content);
  const text = fenced ? fenced[1]! : content;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `The reply is not valid JSON: ${(error as Error).message}` };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, error: `The reply does not match the schema:\n${z.prettifyError(result.error)}` };
  return { ok: true, value: result.data };
}

/** Extends the conversation with the failed reply and a request to fix it. */
export function repairMessages(messages: ChatMessage[], reply: string, error: string, schema: z.ZodType): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: reply },
    {
      role: 'user',
      content: `${error}\n\nReply again with only a JSON value that matches this JSON schema, and no other text:\n${JSON.stringify(z.toJSONSchema(schema))}`,
    },
  ];
}
