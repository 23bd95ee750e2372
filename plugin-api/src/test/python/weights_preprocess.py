#!/usr/bin/env python3
"""Prints, as one JSON object, the evaluation preprocessing of torchvision's published weights.

    weights_preprocess.py NAME[:WEIGHTS] ...

For each model name (and weights enum member, DEFAULT when not given): resize_size, crop_size,
interpolation, mean and std of weights.transforms(); null where torchvision has no weights of
that name, or none for that model.
"""
import json
import sys

import torchvision


def describe(spec):
    name, _, member = spec.partition(":")
    try:
        weights = getattr(torchvision.models.get_model_weights(name), member or "DEFAULT")
    except (ValueError, KeyError, AttributeError):
        return None
    t = weights.transforms()
    return {
        "weights": str(weights),
        "resize_size": list(t.resize_size),
        "crop_size": list(t.crop_size),
        "interpolation": t.interpolation.value,
        "mean": list(t.mean),
        "std": list(t.std),
    }


def main(argv):
    print(json.dumps({spec: describe(spec) for spec in argv}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
