"""gateway.v1.Classifier requests encoded by hand, for the probes in this folder: they need no
generated stubs (Debian's python3-grpcio is enough), only these two protobuf fields."""
import struct


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def classify_request(image, model="fashion-lenet"):
    """ClassifyRequest{model (field 1), image (field 3)} as protobuf bytes."""
    name = model.encode()
    return b"\x0a" + varint(len(name)) + name + b"\x1a" + varint(len(image)) + image


def framed(message):
    """One gRPC message with its 5-byte prefix (uncompressed, big-endian length)."""
    return b"\x00" + struct.pack(">I", len(message)) + message
