"""Compare two builds of the shipped models: `python -m research.reproducibility.compare_models DIR_A DIR_B`.

torch.save stamps every file with a random serialization id, so two builds
are never byte-identical; this compares what the files hold instead: every
tensor, the vocabularies, and the training settings (file paths, which only
say where each build ran, are reported apart).
"""

from __future__ import annotations

import argparse
from pathlib import Path

MODEL_FILES = ("id_korwatch_tokenizer.pt", "id_korwatch_nertagger.pt", "id_korwatch.pretrain.pt")


def _flatten(value, prefix: str = ""):
    """Yield (dotted key, leaf) pairs of nested dicts, lists and tuples."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, (list, tuple)) and not all(isinstance(v, (str, int, float)) for v in value):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def find_model_file(folder: Path, name: str) -> Path:
    """The file in folder, or below it (training/work keeps each model in its own subfolder)."""
    if (folder / name).exists():
        return folder / name
    found = sorted(folder.rglob(name))
    if len(found) != 1:
        where = ", ".join(str(path) for path in found) or "nowhere"
        raise SystemExit(f"{name} must be in {folder} or once below it; found {where}")
    return found[0]


def _is_path(value) -> bool:
    return isinstance(value, str) and "/" in value


def compare_files(path_a: Path, path_b: Path) -> dict:
    """Counts of tensors and other values that differ between two saved Stanza files."""
    import torch

    leaves_a = dict(_flatten(torch.load(path_a, map_location="cpu", weights_only=False)))
    leaves_b = dict(_flatten(torch.load(path_b, map_location="cpu", weights_only=False)))
    report = {"tensors": 0, "tensors_differing": 0, "max_abs_difference": 0.0, "values_differing": [],
              "paths_differing": 0, "keys_only_in_one": sorted(set(leaves_a) ^ set(leaves_b))}
    for key in sorted(set(leaves_a) & set(leaves_b)):
        a, b = leaves_a[key], leaves_b[key]
        if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
            report["tensors"] += 1
            if a.shape != b.shape:
                report["tensors_differing"] += 1
                report["values_differing"].append(f"{key}: shape {tuple(a.shape)} vs {tuple(b.shape)}")
            elif not torch.equal(a, b):
                report["tensors_differing"] += 1
                if a.is_floating_point():
                    difference = (a - b).abs().max().item()
                    report["max_abs_difference"] = max(report["max_abs_difference"], difference)
        elif a != b:
            if _is_path(a) and _is_path(b):
                report["paths_differing"] += 1
            else:
                report["values_differing"].append(f"{key}: {a!r} vs {b!r}"[:200])
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir_a", type=Path, help="a models folder, e.g. korwatch_utils/models or training/work")
    parser.add_argument("dir_b", type=Path)
    args = parser.parse_args(argv)
    same_everywhere = True
    for name in MODEL_FILES:
        report = compare_files(find_model_file(args.dir_a, name), find_model_file(args.dir_b, name))
        same = not (report["tensors_differing"] or report["values_differing"] or report["keys_only_in_one"])
        same_everywhere &= same
        verdict = "same content" if same else "DIFFERENT"
        print(f"{name}: {verdict}; {report['tensors']} tensors, {report['tensors_differing']} differ "
              f"(max |a-b| {report['max_abs_difference']:.3g}); {report['paths_differing']} build paths differ")
        for line in report["values_differing"][:10] + [f"only in one: {k}" for k in report["keys_only_in_one"][:10]]:
            print(f"    {line}")
    return 0 if same_everywhere else 1


if __name__ == "__main__":
    raise SystemExit(main())
