#!/usr/bin/python3
"""Classify images with a running gateway, from Python with only grpcio and protobuf.

Needs no generated code: message types come from the descriptor set the build writes
(proto/target/generated-resources/protobuf/descriptor-sets/classifier.desc). Runs on Debian's
Python with python3-grpcio and python3-protobuf installed:

    /usr/bin/python3 deploy/python/classify.py deploy/samples/*.png
    /usr/bin/python3 deploy/python/classify.py --list      # served models, and the catalog of variants
"""
import argparse
import os
import sys

try:
    import grpc
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError as missing:
    sys.exit(f"classify.py: {missing}: install Debian's python3-grpcio and python3-protobuf"
             f" (apt-get install python3-grpcio python3-protobuf) and run this script with"
             f" /usr/bin/python3 (this is {sys.executable})")

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

    return {name: cls("gateway.v1." + name) for name in
            ("ClassifyRequest", "ClassifyResponse", "ListModelsRequest", "ListModelsResponse")}


def list_models(channel, messages, timeout):
    """Prints the served models, then every variant the loaded plugins can build."""
    list_call = channel.unary_unary(
        "/gateway.v1.Classifier/ListModels",
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=messages["ListModelsResponse"].FromString)
    response = list_call(messages["ListModelsRequest"](), timeout=timeout)
    for m in response.models:
        print(f"model {m.name} v{m.version}: {m.family}/{m.variant} {m.state}"
              f" on {','.join(m.devices)}, {m.num_classes} classes, {m.precision},"
              f" {m.preprocessing} preprocessing")
    for v in response.catalog:
        p = v.preprocess
        mean = ",".join(f"{x:.3f}" for x in p.mean)
        std = ",".join(f"{x:.3f}" for x in p.std)
        print(f"variant {v.family}/{v.variant}: {v.parameters:,} parameters,"
              f" input {'x'.join(map(str, v.input_shape))}, {v.num_classes} classes;"
              f" {p.color} resize {p.resize_shorter} {p.interpolation.lower()},"
              f" crop {p.crop_height}x{p.crop_width}, mean {mean}, std {std}"
              + (f"; {v.input_note}" if v.input_note else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="*")
    parser.add_argument("--list", action="store_true",
                        help="list the served models and the catalog instead of classifying")
    parser.add_argument("--model", default="fashion-lenet")
    parser.add_argument("--target", default="localhost:8080")
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=10.0, help="deadline in seconds")
    parser.add_argument("--descriptor", default=DEFAULT_DESCRIPTOR)
    args = parser.parse_args()
    if not args.list and not args.images:
        parser.error("give image files to classify, or --list")

    messages = message_classes(args.descriptor)
    request_cls = messages["ClassifyRequest"]
    failures = 0
    with grpc.insecure_channel(args.target) as channel:
        if args.list:
            list_models(channel, messages, args.timeout)
            return 0
        classify = channel.unary_unary(
            "/gateway.v1.Classifier/Classify",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=messages["ClassifyResponse"].FromString)
        for path in args.images:
            try:
                with open(path, "rb") as f:
                    image = f.read()
            except OSError as e:
                failures += 1
                print(f"{path}: cannot read the file: {e.strerror or e}", file=sys.stderr)
                continue
            request = request_cls(model=args.model, image=image, top_k=args.top_k,
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
