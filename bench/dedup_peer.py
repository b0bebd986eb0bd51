"""datatrove 0.10.1's MinHash deduplication as the peer of corpusflow's near-dedup stage.

  dedup_peer.py signatures FILE   times MinhashDedupSignature's shingling (spaCy word tokens,
                                  xxhash) and its signature (numpy) on one core over the texts
                                  of the gzip JSON Lines FILE, in memory, and prints
                                  {"documents", "shingleSeconds", "signatureSeconds"}
  dedup_peer.py pipeline WORK SHARD...
                                  runs datatrove's four MinHash steps (signature, buckets,
                                  cluster, filter) with one task and one worker over the shards,
                                  writing under WORK, and prints {"documents", "seconds",
                                  "removed", "phases"}

Both use datatrove's defaults: word 5-grams, 14 buckets of 8 hashes, 64-bit xxhash.
"""
import gzip
import json
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def read_texts(path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def time_signatures(path):
    texts = read_texts(path)
    step = MinhashDedupSignature(output_folder="/tmp/corpusflow-dedup-peer-unused", config=MinhashConfig())
    step.get_signature(step.get_shingles(texts[0]))
    start = time.perf_counter()
    shingles = [step.get_shingles(text) for text in texts]
    middle = time.perf_counter()
    for document in shingles:
        if document.size:
            step.get_signature(document)
    end = time.perf_counter()
    return {"documents": len(texts), "shingleSeconds": middle - start, "signatureSeconds": end - middle}


def run_pipeline(work, shards):
    config = MinhashConfig()
    folder = shards[0].rsplit("/", 1)[0]
    names = [path.rsplit("/", 1)[1] for path in shards]
    pattern = names[0].split("-")[0] + "-*.jsonl.gz"

    def read():
        return JsonlReader(folder, glob_pattern=pattern, compression="gzip")

    steps = [
        ("signatures", [read(), MinhashDedupSignature(output_folder=f"{work}/signatures", config=config)], len(shards)),
        ("buckets", [MinhashDedupBuckets(input_folder=f"{work}/signatures", output_folder=f"{work}/buckets", config=config)], config.num_buckets),
        ("clusters", [MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove_ids", config=config)], 1),
        (
            "removal",
            [read(), MinhashDedupFilter(input_folder=f"{work}/remove_ids", exclusion_writer=JsonlWriter(f"{work}/removed")), JsonlWriter(f"{work}/output")],
            len(shards),
        ),
    ]
    phases = {}
    total = 0.0
    for name, pipeline, tasks in steps:
        start = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=f"{work}/logs/{name}", skip_completed=False).run()
        phases[name] = time.perf_counter() - start
        total += phases[name]
    removed = 0
    import glob

    for path in glob.glob(f"{work}/removed/*.jsonl.gz"):
        with gzip.open(path, "rt") as handle:
            removed += sum(1 for line in handle if line.strip())
    documents = sum(len(read_texts(path)) for path in shards)
    return {"documents": documents, "seconds": total, "removed": removed, "phases": phases}


if __name__ == "__main__":
    if sys.argv[1] == "signatures":
        print(json.dumps(time_signatures(sys.argv[2])))
    elif sys.argv[1] == "pipeline":
        print(json.dumps(run_pipeline(sys.argv[2], sys.argv[3:])))
    else:
        sys.exit(f"unknown command {sys.argv[1]}: use signatures or pipeline")
