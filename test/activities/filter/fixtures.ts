// Text builders for the filter tests: distinct words, lines and sentences in known numbers, so
// a test can place a measurement exactly at a threshold or one step past it.

/** Returns a lower-case word of `length` letters, different for every `index`. */
export function uniqueWord(index: number, length = 4): string {
  let word = '';
  let rest = index;
  for (let i = 0; i < length; i += 1) {
    word = String.fromCharCode(97 + (rest % 26)) + word;
    rest = Math.floor(rest / 26);
  }
  return word;
}

/** `count` distinct words of `length` letters, starting at `offset`. */
export function uniqueWords(count: number, length = 4, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => uniqueWord(offset + i, length));
}

const SUBJECTS = ['The river', 'A small village', 'The old mill', 'Our neighbour', 'The museum', 'That winter', 'The railway', 'A young teacher'];
const VERBS = ['changed', 'shaped', 'described', 'remembered', 'followed', 'welcomed', 'supported', 'reached'];
const OBJECTS = ['the history of the valley', 'the market on the square', 'the children of the town', 'the road to the coast', 'the people with patience', 'the lessons of that year', 'the farms near the hills', 'the songs of the harvest'];

/** Returns a distinct English sentence for each index, with common stop words and a final period. */
export function sentence(index: number): string {
  const subject = SUBJECTS[index % SUBJECTS.length]!;
  const verb = VERBS[Math.floor(index / SUBJECTS.length) % VERBS.length]!;
  const object = OBJECTS[Math.floor(index / (SUBJECTS.length * VERBS.length)) % OBJECTS.length]!;
  return `${subject} ${verb} ${object} in ${uniqueWord(index, 5)}.`;
}

/** Returns an English article of `paragraphs` paragraphs with three distinct sentences each. */
export function article(paragraphs = 6): string {
  return Array.from({ length: paragraphs }, (_, p) => [0, 1, 2].map((s) => sentence(p * 3 + s)).join(' ')).join('\n\n');
}

export function documentOf(text: string, id = 'doc-1') {
  return { id, text, source: 'web', metadata: { inputUri: 'file:///tmp/input.jsonl', recordIndex: 0 } };
}

/** About 1,400 characters of ordinary English prose in three paragraphs. */
export const ENGLISH_PROSE = `The harbour town grew up around a narrow inlet where fishing boats could shelter from the winter storms. For most of its history the community depended on the sea, and families passed boats, nets and knowledge from one generation to the next. When the railway arrived in the 1870s, merchants began shipping fresh fish inland overnight, and the quay was rebuilt in stone to take the heavier traffic.

By the middle of the twentieth century the catch had declined, and many younger people left to find work in the cities. The old warehouses stood empty for decades. A local historian, who had grown up above her father's chandlery, started collecting photographs and letters from former residents, and her archive later became the core of the maritime museum that opened in 1994.

Today visitors come for the museum, the walking trails along the cliffs and the small restaurants that serve whatever the remaining boats bring in. The council has tried to balance tourism with the needs of people who live there all year, limiting holiday lets in the historic centre and supporting a cooperative that repairs wooden boats. Residents still gather on the harbour wall every August to watch the regatta, a tradition that has survived wars, floods and the slow decline of the fishing industry.`;
