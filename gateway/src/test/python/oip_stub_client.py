#!/usr/bin/python3
"""An independent gRPC client of the gateway (PythonOipStubsEndToEndTest).

Nothing here comes from the gateway's Java code: the messages and stubs are what
grpc_tools.protoc generated from the repository's .proto files (inference/open_inference.proto,
gateway/v1/classifier.proto) and from the standard health.proto, into a folder that PYTHONPATH
names. The script calls the Open Inference Protocol, Classify and health services and prints
what it was answered as one JSON object on stdout; the test judges it. Calls that are meant to
fail are caught and reported with their status; any other failure ends the script with a
traceback and a non-zero exit.

Usage: oip_stub_client.py --target HOST:PORT --images DIR [--model NAME]

DIR holds the images to classify and manifest.json, which lists them in order with their true
labels: {"images": [{"file": "0.png", "label": 9}, ...]}
"""
import argparse
import json
import os
import struct
import sys

import grpc

# Generated at test time; found through PYTHONPATH.
from gateway.v1 import classifier_pb2, classifier_pb2_grpc
from inference import open_inference_pb2 as oip
from inference import open_inference_pb2_grpc as oip_grpc
import health_pb2
import health_pb2_grpc

TIMEOUT = 30  # seconds, the deadline of every call
CLASSIFICATION_TOP = 3  # the classification extension's N, and Classify's top_k
HEALTH_SERVICES = ["", "inference.GRPCInferenceService", "gateway.v1.Classifier",
                   "no.such.Service"]


def bytes_tensor(elements):
    """The raw form of a BYTES tensor: each element as a 4-byte little-endian length, then its
    bytes."""
    return b"".join(struct.pack("<I", len(e)) + e for e in elements)


def bytes_elements(raw):
    """The elements of a BYTES tensor in raw form."""
    out, at = [], 0
    while at < len(raw):
        (length,) = struct.unpack_from("<I", raw, at)
        at += 4
        out.append(raw[at:at + length])
        at += length
    return out


def decode_outputs(response):
    """Every output of a ModelInferResponse with its values, taken from raw_output_contents:
    FP32 as floats (little-endian), BYTES as UTF-8 strings."""
    outputs = []
    for tensor, raw in zip(response.outputs, response.raw_output_contents):
        if tensor.datatype == "FP32":
            values = list(struct.unpack("<%df" % (len(raw) // 4), raw))
        elif tensor.datatype == "BYTES":
            values = [e.decode("utf-8") for e in bytes_elements(raw)]
        else:
            raise ValueError("unexpected datatype " + tensor.datatype)
        outputs.append({"name": tensor.name, "datatype": tensor.datatype,
                        "shape": list(tensor.shape), "values": values})
    return {"id": response.id, "model_name": response.model_name,
            "model_version": response.model_version,
            "raw_output_contents": len(response.raw_output_contents), "outputs": outputs}


def image_request(model, elements, shape=None, request_id=""):
    """A ModelInferRequest whose BYTES input 'image' carries the given encoded images."""
    request = oip.ModelInferRequest(model_name=model, id=request_id)
    request.inputs.add(name="image", datatype="BYTES",
                       shape=shape if shape is not None else [len(elements)])
    request.raw_input_contents.append(bytes_tensor(elements))
    return request


def ask_outputs(request, classification):
    """Asks for the top classes of 'probabilities' through the classification extension (an
    int64 parameter), and for 'logits' as a tensor."""
    top = request.outputs.add(name="probabilities")
    top.parameters["classification"].int64_param = classification
    request.outputs.add(name="logits")
    return request


def failure(call):
    """Runs a call that should fail; its status code and message, or code None if it did not
    fail."""
    try:
        call()
    except grpc.RpcError as e:
        return {"code": e.code().name, "details": e.details()}
    return {"code": None, "details": None}


def tensor_metadata(tensors):
    return [{"name": t.name, "datatype": t.datatype, "shape": list(t.shape)} for t in tensors]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--images", required=True)
    parser.add_argument("--model", default="fashion-lenet")
    args = parser.parse_args()

    with open(os.path.join(args.images, "manifest.json")) as f:
        manifest = json.load(f)["images"]
    pngs = []
    for entry in manifest:
        with open(os.path.join(args.images, entry["file"]), "rb") as f:
            pngs.append(f.read())
    labels = [entry["label"] for entry in manifest]
    report = {}

    with grpc.insecure_channel(args.target) as channel:
        inference = oip_grpc.GRPCInferenceServiceStub(channel)
        classifier = classifier_pb2_grpc.ClassifierStub(channel)
        health = health_pb2_grpc.HealthStub(channel)

        # 1. The server and the model describe themselves.
        server = inference.ServerMetadata(oip.ServerMetadataRequest(), timeout=TIMEOUT)
        model = inference.ModelMetadata(oip.ModelMetadataRequest(name=args.model),
                                        timeout=TIMEOUT)
        report["server"] = {
            "live": inference.ServerLive(oip.ServerLiveRequest(), timeout=TIMEOUT).live,
            "ready": inference.ServerReady(oip.ServerReadyRequest(), timeout=TIMEOUT).ready,
            "name": server.name, "version": server.version,
            "extensions": list(server.extensions)}
        report["model"] = {
            "ready": inference.ModelReady(oip.ModelReadyRequest(name=args.model),
                                          timeout=TIMEOUT).ready,
            "name": model.name, "versions": list(model.versions), "platform": model.platform,
            "inputs": tensor_metadata(model.inputs), "outputs": tensor_metadata(model.outputs)}

        # 2. One batch of PNGs through ModelInfer, and each image through Classify.
        request = ask_outputs(image_request(args.model, pngs, request_id="py-batch"),
                              CLASSIFICATION_TOP)
        infer = decode_outputs(inference.ModelInfer(request, timeout=TIMEOUT))
        report["infer"] = infer
        report["classify"] = []
        for i, png in enumerate(pngs):
            answer = classifier.Classify(classifier_pb2.ClassifyRequest(
                model=args.model, image=png, top_k=CLASSIFICATION_TOP, return_logits=True,
                request_id="py-%d" % i), timeout=TIMEOUT)
            report["classify"].append({
                "model": answer.model, "version": answer.version,
                "request_id": answer.request_id, "logits": list(answer.logits),
                "predictions": [{"index": p.index, "label": p.label, "score": p.score}
                                for p in answer.predictions]})

        # What a client would make of both: top-1 accuracy against the true labels. The
        # classification strings are "score:index:label", CLASSIFICATION_TOP per image.
        top_classes = next(o for o in infer["outputs"] if o["name"] == "probabilities")
        oip_top1 = [int(top_classes["values"][i * CLASSIFICATION_TOP].split(":")[1])
                    for i in range(len(pngs))]
        classify_top1 = [c["predictions"][0]["index"] for c in report["classify"]]
        report["accuracy"] = {
            "images": len(pngs),
            "oip_correct": sum(p == t for p, t in zip(oip_top1, labels)),
            "classify_correct": sum(p == t for p, t in zip(classify_top1, labels))}

        # 3. Errors: each has its status and a message; the gateway serves on afterwards.
        report["errors"] = {
            "unknown_model": failure(lambda: inference.ModelInfer(
                image_request("no-such-model", pngs[:1]), timeout=TIMEOUT)),
            "not_an_image": failure(lambda: inference.ModelInfer(
                image_request(args.model, [pngs[0], b"these bytes are not an image"]),
                timeout=TIMEOUT)),
            "wrong_shape": failure(lambda: inference.ModelInfer(
                image_request(args.model, pngs[:4], shape=[2, 2]), timeout=TIMEOUT)),
        }
        after = ask_outputs(image_request(args.model, pngs[:1], request_id="py-after"),
                            CLASSIFICATION_TOP)
        report["after_errors"] = decode_outputs(inference.ModelInfer(after, timeout=TIMEOUT))

        # 4. Standard health checks: the whole server (""), each service, and an unknown one.
        report["health"] = {}
        for service in HEALTH_SERVICES:
            try:
                status = health.Check(health_pb2.HealthCheckRequest(service=service),
                                      timeout=TIMEOUT).status
                report["health"][service] = health_pb2.HealthCheckResponse.ServingStatus.Name(
                    status)
            except grpc.RpcError as e:
                report["health"][service] = e.code().name

    json.dump(report, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
