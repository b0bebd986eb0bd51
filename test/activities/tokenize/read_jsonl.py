"""Reads a gzip JSON Lines file with pyarrow's JSON reader (the engine Hugging Face `datasets`
uses for JSON files) and prints its column types and rows as JSON. Usage: read_jsonl.py FILE"""
import json
import sys

import pyarrow as pa
import pyarrow.json as pj

table = pj.read_json(pa.input_stream(sys.argv[1], compression="gzip"))
json.dump({"columns": {field.name: str(field.type) for field in table.schema}, "rows": table.to_pylist()}, sys.stdout, default=str)
