"""Times datatrove's web filters on the documents bench/filters.ts writes, one process, one core.

Usage: python bench/filters_datatrove.py DOCUMENTS_JSONL LID_MODEL_PATH SECONDS_PER_FILTER
Prints "ready" once loaded, then for every line read from standard input times each filter and
prints one JSON object {filter name: documents per second}, so the caller can interleave its
own rounds with these. Each filter gets fresh Document objects, because C4 rewrites doc.text in
place, and is warmed up on the first 10 documents before timing.
"""

import json
import sys
import time

from datatrove.data import Document
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    LanguageFilter,
)


def language_filter(model_path):
    from fasttext.FastText import _FastText

    block = LanguageFilter(language_threshold=0.65)
    # The same lid.176.ftz file the TypeScript side uses; datatrove would otherwise download lid.176.bin.
    block.model._model = _FastText(model_path)
    return block


def passes(block, doc):
    result = block.filter(doc)
    return result if isinstance(result, bool) else result[0]


def time_filters(blocks, texts, seconds):
    """Documents per second through `blocks` in order, stopping at the first that rejects."""
    for text in texts[:10]:
        doc = Document(text=text, id="warm-up")
        all(passes(block, doc) for block in blocks)
    done = 0
    started = time.perf_counter()
    while True:
        for index, text in enumerate(texts):
            doc = Document(text=text, id=str(index))
            for block in blocks:
                if not passes(block, doc):
                    break
        done += len(texts)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done / elapsed


def main():
    documents_path, model_path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    with open(documents_path, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]

    blocks = {
        "language_id": language_filter(model_path),
        "gopher_quality": GopherQualityFilter(),
        "gopher_repetition": GopherRepetitionFilter(),
        "c4": C4QualityFilter(),
        "fineweb": FineWebQualityFilter(),
    }
    chain = [blocks[name] for name in ("language_id", "gopher_repetition", "gopher_quality", "c4", "fineweb")]
    print("ready", flush=True)
    for _ in sys.stdin:
        results = {name: time_filters([block], texts, seconds) for name, block in blocks.items()}
        results["chain"] = time_filters(chain, texts, seconds)
        print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
