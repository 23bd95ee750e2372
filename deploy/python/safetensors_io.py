"""Minimal safetensors reader/writer on plain torch (no `safetensors` package needed).

Debian ships torch without the safetensors library, so the checkpoint converter
(convert_checkpoint.py), the Java side's interoperability test and the model parity harness use
this file-level implementation of the format instead:

    u64 little-endian header length N | N bytes UTF-8 JSON header | data

The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
relative to the first data byte) plus an optional "__metadata__" str->str map. Like the
reference writer, the header is padded with spaces to a multiple of 8 bytes.

Command line (used by SafetensorsPythonInteropTest; Debian's /usr/bin/python3 with python3-torch):
    python3 safetensors_io.py write-fixture OUT   writes fixture_tensors() to OUT
    python3 safetensors_io.py check-fixture IN    exits 1 unless IN holds exactly fixture_tensors()
"""

import json
import struct
import sys

try:
    import torch
except ImportError as missing:
    if __name__ != "__main__":
        raise  # imported: the importing script says what it needs
    sys.exit(f"safetensors_io.py: {missing}: install Debian's python3-torch"
             f" (apt-get install python3-torch) and run this script with /usr/bin/python3"
             f" (this is {sys.executable})")

DTYPES = {
    "BOOL": torch.bool,
    "U8": torch.uint8,
    "I8": torch.int8,
    "I16": torch.int16,
    "I32": torch.int32,
    "I64": torch.int64,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "F32": torch.float32,
    "F64": torch.float64,
}
NAMES = {dtype: name for name, dtype in DTYPES.items()}


def _raw_bytes(tensor):
    """The tensor's elements in row-major order, as little-endian bytes (x86 is little-endian)."""
    flat = tensor.detach().cpu().contiguous().reshape(-1)
    if flat.numel() == 0:
        return b""
    return flat.view(torch.uint8).numpy().tobytes()


def save_safetensors(tensors, path, metadata=None):
    """Writes a dict name -> tensor (in dict order) and optional str->str metadata to path."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        if tensor.dtype not in NAMES:
            raise ValueError(f"{name}: dtype {tensor.dtype} not supported")
        data = _raw_bytes(tensor)
        header[name] = {
            "dtype": NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for data in blobs:
            f.write(data)


def load_safetensors(path, with_metadata=False):
    """Reads a file into a dict name -> tensor in header order; checks that the data is tiled
    exactly. With with_metadata=True returns (tensors, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} beyond end of file")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    spans = []
    for name, info in header.items():
        dtype = DTYPES[info["dtype"]]
        shape = info["shape"]
        begin, end = info["data_offsets"]
        numel = 1
        for d in shape:
            numel *= d
        itemsize = torch.empty((), dtype=dtype).element_size()
        if end - begin != numel * itemsize or end > len(data):
            raise ValueError(f"{path}: {name}: bad data_offsets {begin, end} for {shape}")
        spans.append((begin, end))
        if numel == 0:
            tensors[name] = torch.empty(shape, dtype=dtype)
        else:
            chunk = bytearray(data[begin:end])
            tensors[name] = torch.frombuffer(chunk, dtype=dtype).reshape(shape)
    covered = 0
    for begin, end in sorted(spans):
        if begin != covered:
            raise ValueError(f"{path}: data not contiguous at byte {covered}")
        covered = end
    if covered != len(data):
        raise ValueError(f"{path}: {len(data) - covered} trailing data bytes")
    return (tensors, metadata) if with_metadata else tensors


FIXTURE_METADATA = {"format": "pt", "origin": "safetensors_io fixture"}


def fixture_tensors():
    """Known tensors of every supported dtype. SafetensorsPythonInteropTest builds the same in
    Java; all values are exact in their dtype so both sides can compare with equality."""
    ar = lambda n, dtype: torch.arange(n, dtype=torch.float64).to(dtype)
    return {
        "f32": (torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) - 12) / 8,
        "f16": (ar(6, torch.float16) / 4).reshape(3, 2),
        "bf16": ar(5, torch.bfloat16) * -0.5,
        "f64": (torch.arange(4, dtype=torch.float64) - 1.5).reshape(2, 2) / 1024,
        "i64": torch.tensor([-3, 0, 2**40], dtype=torch.int64),
        "i32": torch.tensor([[1, -2], [3, -4]], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 5, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 7], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(3.5, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
        "transposed": torch.arange(6, dtype=torch.int64).reshape(2, 3).t(),
    }


def check_fixture(path):
    """Returns a list of differences between the file and fixture_tensors()."""
    tensors, metadata = load_safetensors(path, with_metadata=True)
    expected = fixture_tensors()
    problems = []
    if list(tensors) != list(expected):
        problems.append(f"names {list(tensors)} != {list(expected)}")
    for name, want in expected.items():
        got = tensors.get(name)
        if got is None:
            continue
        if got.dtype != want.dtype or tuple(got.shape) != tuple(want.shape):
            problems.append(
                f"{name}: {got.dtype}{tuple(got.shape)} != {want.dtype}{tuple(want.shape)}"
            )
        elif not torch.equal(got, want):
            problems.append(f"{name}: values {got} != {want}")
    if metadata != FIXTURE_METADATA:
        problems.append(f"metadata {metadata} != {FIXTURE_METADATA}")
    return problems


def main(argv):
    if len(argv) != 3 or argv[1] not in ("write-fixture", "check-fixture"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "write-fixture":
        save_safetensors(fixture_tensors(), argv[2], FIXTURE_METADATA)
        return 0
    problems = check_fixture(argv[2])
    for p in problems:
        print("MISMATCH " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
