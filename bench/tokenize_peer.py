"""Encodes texts with OpenAI's Python tiktoken (cl100k_base) for comparison with corpusflow.

Reads a JSON list of strings on stdin and prints a JSON list of id lists. tiktoken loads its
ranks from TIKTOKEN_CACHE_DIR; this script fills that cache from the `tiktoken` npm package's
cl100k_base.json, and tiktoken checks the file against the sha256 it pins, so no download runs.
"""
import hashlib
import json
import os
import sys
import tempfile

RANKS_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def prepare_cache(npm_json_path):
    cache_dir = os.path.join(tempfile.gettempdir(), "corpusflow-tiktoken-cache")
    os.makedirs(cache_dir, exist_ok=True)
    target = os.path.join(cache_dir, hashlib.sha1(RANKS_URL.encode()).hexdigest())
    if not os.path.exists(target):
        with open(npm_json_path, encoding="utf-8") as handle:
            fields = json.load(handle)["bpe_ranks"].split()
        first_rank = int(fields[1])
        lines = "".join(f"{token} {first_rank + i}\n" for i, token in enumerate(fields[2:]))
        partial = target + f".{os.getpid()}.tmp"
        with open(partial, "wb") as handle:
            handle.write(lines.encode())
        os.replace(partial, target)
    os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir


def encoding():
    prepare_cache(os.environ.get("CL100K_NPM_JSON", "node_modules/tiktoken/encoders/cl100k_base.json"))
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


if __name__ == "__main__":
    enc = encoding()
    texts = json.load(sys.stdin)
    json.dump([enc.encode_ordinary(text) for text in texts], sys.stdout)
