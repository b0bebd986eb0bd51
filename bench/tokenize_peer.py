"""OpenAI's Python tiktoken (cl100k_base) as the peer of corpusflow's encoder.

  tokenize_peer.py ids          JSON list of strings on stdin -> JSON list of id lists
  tokenize_peer.py time FILE    times encode_ordinary on one core over the JSON list of strings
                                in FILE and prints {"tokens", "seconds", "sha256"}. Seconds are
                                CPU seconds of this process. The hash covers every id as
                                little-endian int32, text after text.

tiktoken loads its ranks from TIKTOKEN_CACHE_DIR. This script fills that cache from the
`tiktoken` npm package's cl100k_base.json, and tiktoken checks the file against the sha256 it
pins for cl100k_base, so nothing is downloaded.
"""
import array
import hashlib
import json
import os
import sys
import tempfile
import time

RANKS_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
NPM_RANKS = os.path.join(os.path.dirname(__file__), "..", "node_modules", "tiktoken", "encoders", "cl100k_base.json")


def prepare_cache():
    cache_dir = os.path.join(tempfile.gettempdir(), "corpusflow-tiktoken-cache")
    os.makedirs(cache_dir, exist_ok=True)
    target = os.path.join(cache_dir, hashlib.sha1(RANKS_URL.encode()).hexdigest())
    if not os.path.exists(target):
        with open(NPM_RANKS, encoding="utf-8") as handle:
            fields = json.load(handle)["bpe_ranks"].split()
        first_rank = int(fields[1])
        lines = "".join(f"{token} {first_rank + i}\n" for i, token in enumerate(fields[2:]))
        partial = f"{target}.{os.getpid()}.tmp"
        with open(partial, "wb") as handle:
            handle.write(lines.encode())
        os.replace(partial, target)
    os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir


def encoding():
    prepare_cache()
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def time_encoding(path):
    enc = encoding()
    with open(path, encoding="utf-8") as handle:
        texts = json.load(handle)
    start = time.process_time()
    encoded = [enc.encode_ordinary(text) for text in texts]
    seconds = time.process_time() - start

    digest = hashlib.sha256()
    for ids in encoded:
        values = array.array("i", ids)
        if sys.byteorder != "little":
            values.byteswap()
        digest.update(values.tobytes())
    return {"tokens": sum(len(ids) for ids in encoded), "seconds": seconds, "sha256": digest.hexdigest()}


if __name__ == "__main__":
    if sys.argv[1:2] == ["ids"]:
        enc = encoding()
        json.dump([enc.encode_ordinary(text) for text in json.load(sys.stdin)], sys.stdout)
    elif sys.argv[1:2] == ["time"] and len(sys.argv) == 3:
        json.dump(time_encoding(sys.argv[2]), sys.stdout)
    else:
        sys.exit("usage: tokenize_peer.py ids | tokenize_peer.py time FILE")
