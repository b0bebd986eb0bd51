// The annotation request: a written rubric for educational value and the topic label. Topics
// separate STEM from the rest so a second classifier can judge non-STEM documents on their own
// terms: a classifier trained on every topic at once tends to reward STEM vocabulary.
import type { LlmRequest } from '../../schemas/llm';

/** Registered for every llm worker in activities/llm/response-schemas.ts. */
export const annotationSchemaName = 'quality_annotation';

export const annotationRubric = `You rate documents for a language-model training corpus.

Educational value, an integer from 0 to 5:
0 - nothing to learn: spam, navigation, listings, boilerplate, or unreadable text.
1 - a little incidental information buried in advertising, chatter or fragments.
2 - touches a real subject but is shallow, disorganized or mostly opinion.
3 - a coherent explanation or account a student could learn something concrete from.
4 - clear, well-organized teaching of a subject, with examples or reasoning steps.
5 - excellent teaching material: precise, complete, and a pleasure to learn from.
Judge the value for learning, not the topic: a careful history of a painting style can score
5 and a sloppy note about calculus can score 1.

Topic, one label:
stem - science, technology, engineering, mathematics, medicine, programming.
arts - visual arts, music, literature, design, crafts.
history - past events, people and societies.
travel - places, journeys, geography for visitors.
culture - customs, religion, food, language, society today.
entertainment - film, television, games, celebrities, sports.
other - anything else, including news and personal pages.

Reply with a JSON object: {"educational_value": <0-5>, "topic": "<label>", "reason": "<one or two sentences>"}.`;

/** Builds the annotator request for one document, its text cut to `maxChars`. */
export function annotationRequest(id: string, text: string, maxChars: number): LlmRequest {
  const shown = text.length > maxChars ? `${text.slice(0, maxChars)}\n[... cut]` : text;
  return {
    id,
    messages: [
      { role: 'system', content: annotationRubric },
      { role: 'user', content: `Document:\n\n${shown}` },
    ],
    responseSchema: annotationSchemaName,
    sampling: { temperature: 0 },
  };
}
