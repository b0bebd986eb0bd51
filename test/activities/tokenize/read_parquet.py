"""Reads a Parquet file with pyarrow and prints its schema and rows as JSON (a second reader
next to the hyparquet writer). Usage: read_parquet.py FILE"""
import json
import sys

import pyarrow.parquet as pq

table = pq.read_table(sys.argv[1])
json.dump(
    {
        "columns": {field.name: str(field.type) for field in table.schema},
        "row_groups": pq.ParquetFile(sys.argv[1]).num_row_groups,
        "rows": table.to_pylist(),
    },
    sys.stdout,
    default=str,
)
