#!/usr/bin/env python3
"""Classify images with a running gateway, from Python with only grpcio and protobuf.

Needs no generated code: message types come from the descriptor set the build writes
(proto/target/generated-resources/protobuf/descriptor-sets/classifier.desc).

    python3 deploy/python/classify.py deploy/samples/*.png
"""
import argparse
import os
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DESCRIPTOR = os.path.join(
    HERE, "..", "..", "proto", "target", "generated-resources", "protobuf", "descriptor-sets",
    "classifier.desc")


def message_classes(descriptor_path):
    files = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_path, "rb") as f:
        files.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file_proto in files.file:
        pool.Add(file_proto)
    factory = message_factory.MessageFactory(pool)

    def cls(name):
        desc = pool.FindMessageTypeByName(name)
        get = getattr(message_factory, "GetMessageClass", None)
        return get(desc) if get else factory.GetPrototype(desc)

    return cls("gateway.v1.ClassifyRequest"), cls("gateway.v1.ClassifyResponse")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="+")
    parser.add_argument("--model", default="fashion-lenet")
    parser.add_argument("--target", default="localhost:8080")
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=10.0, help="deadline in seconds")
    parser.add_argument("--descriptor", default=DEFAULT_DESCRIPTOR)
    args = parser.parse_args()

    request_cls, response_cls = message_classes(args.descriptor)
    failures = 0
    with grpc.insecure_channel(args.target) as channel:
        classify = channel.unary_unary(
            "/gateway.v1.Classifier/Classify",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response_cls.FromString)
        for path in args.images:
            with open(path, "rb") as f:
                request = request_cls(model=args.model, image=f.read(), top_k=args.top_k,
                                      request_id=os.path.basename(path))
            try:
                response = classify(request, timeout=args.timeout)
            except grpc.RpcError as e:
                failures += 1
                print(f"{path}: {e.code().name}: {e.details()}")
                continue
            top = "  ".join(f"{p.label} ({p.index}) {p.score:.3f}" for p in response.predictions)
            print(f"{path}: {top}  [batch {response.timing.batch_size},"
                  f" v{response.version}]")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
