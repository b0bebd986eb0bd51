"""Independent reader for Megatron-LM indexed datasets (.bin/.idx), standard library only.

Follows the MMIDIDX layout that megatron/core/datasets/indexed_dataset.py reads, without
sharing code with the TypeScript writer. Usage: read_indexed_dataset.py PREFIX
Prints one JSON object: dtype, document_indices and the token ids of every sequence.
"""
import array
import json
import struct
import sys

MAGIC = b"MMIDIDX\x00\x00"
DTYPES = {4: ("i", 4, "int32"), 8: ("H", 2, "uint16")}


def read(prefix):
    with open(prefix + ".idx", "rb") as index:
        if index.read(9) != MAGIC:
            raise ValueError("bad magic")
        (version,) = struct.unpack("<Q", index.read(8))
        if version != 1:
            raise ValueError(f"bad version {version}")
        (code,) = struct.unpack("<B", index.read(1))
        typecode, itemsize, dtype = DTYPES[code]
        sequences, document_count = struct.unpack("<QQ", index.read(16))
        lengths = struct.unpack(f"<{sequences}i", index.read(4 * sequences))
        pointers = struct.unpack(f"<{sequences}q", index.read(8 * sequences))
        document_indices = struct.unpack(f"<{document_count}q", index.read(8 * document_count))
        if index.read(1):
            raise ValueError("trailing bytes after the document indices")

    with open(prefix + ".bin", "rb") as data:
        content = data.read()
    ids = []
    for length, pointer in zip(lengths, pointers):
        values = array.array(typecode)
        values.frombytes(content[pointer : pointer + length * itemsize])
        if sys.byteorder != "little":
            values.byteswap()
        ids.append(values.tolist())
    return {"dtype": dtype, "document_indices": list(document_indices), "sequences": ids}


if __name__ == "__main__":
    json.dump(read(sys.argv[1]), sys.stdout)
