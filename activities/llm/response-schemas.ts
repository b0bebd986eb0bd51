// The response schemas every llm worker has registered by name. A request names its schema because a zod
// schema cannot travel through Temporal history, so the worker that serves the request must
// have it registered even when it runs no other code of the stage. An LLM stage adds its
// schema here.
import type { z } from 'zod';
import { QualityAnnotation } from '../../schemas/quality-classifier';

export const builtinResponseSchemas: Record<string, z.ZodType> = {
  quality_annotation: QualityAnnotation,
};
