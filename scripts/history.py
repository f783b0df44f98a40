"""Spec history: rebuild one output folder through consecutive versions of a spec, as a user
regenerating their client on every update would, and check what orgen says about each update.

For every consecutive pair it records the bump and the changes orgen's diff reports, the version and
CHANGELOG.md entry the rebuild wrote, and compares the two generated packages with griffe
(`griffe.find_breaking_changes`), an independent reading of the Python API: every public object
griffe finds removed, and every argument it finds newly required, must be among orgen's breaking
changes. It also counts name churn: classes that only changed their name.

    python scripts/history.py ../shared/specs/openrouter-history --report benchmarks/history.md

Specs may be plain or xz-compressed (`*.yaml.xz`); they are taken in file-name order.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE = "openrouter_client"


@dataclass
class Pair:
    old: str
    new: str
    bump: str = ""
    version: str = ""
    levels: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    griffe: int = 0  # breakages griffe found that matter here (removed objects, newly required arguments)
    missed: list[str] = field(default_factory=list)
    renamed: int = 0
    renumbered: int = 0  # classes whose name changed only in its digits: an order-dependent name
    classes: int = 0
    operations_added: int = 0
    operations_removed: int = 0
    named_operations: bool = True
    entry: bool = False
    seconds: float = 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="folder of spec versions (file names sort by date)")
    parser.add_argument("--report", type=Path, help="write a Markdown report here")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pairs")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    specs = sorted(p for p in args.folder.iterdir() if p.name.endswith((".yaml", ".yml", ".json", ".yaml.xz", ".json.xz")))
    work = args.work or Path(tempfile.mkdtemp(prefix="orgen-history-"))
    pairs = run(specs, work, args.limit)
    text = report(pairs)
    print(text)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 0 if all(not p.missed and p.named_operations for p in pairs) else 1


def run(specs: list[Path], work: Path, limit: int = 0) -> list[Pair]:
    """Build the first spec, then rebuild the same folder with each next one, checking every step."""
    plain = [_decompressed(spec, work / "specs") for spec in specs]
    out, before = work / "out", work / "before"
    shutil.rmtree(out, ignore_errors=True)
    _build(plain[0], out)
    pairs = []
    for old, new in list(zip(plain, plain[1:]))[: limit or None]:
        shutil.rmtree(before, ignore_errors=True)
        shutil.copytree(out, before)
        started = time.perf_counter()
        diff = json.loads(_orgen("diff", str(old), str(new), "--format", "json", "--package-name", PACKAGE).stdout)
        _build(new, out)
        pair = Pair(old.name, new.name, diff["bump"], seconds=time.perf_counter() - started)
        changes = diff["changes"]
        pair.levels = Counter(c["level"] for c in changes)
        pair.kinds = Counter(f"{c['level']} {c['kind']}" for c in changes)
        pair.version = json.loads((out / ".orgen" / "api.json").read_text())["version"]
        pair.entry = (out / "CHANGELOG.md").read_text().count("\n## ") > (before / "CHANGELOG.md").read_text().count("\n## ")
        breaking = [c["where"] for c in changes if c["level"] == "breaking"]
        old_surface = json.loads((before / ".orgen" / "api.json").read_text())["surface"]
        for path in griffe_breakages(before, out, old_surface["resources"]):
            pair.griffe += 1
            if not any(_covers(where, path) for where in breaking):
                pair.missed.append(path)
        new_surface = json.loads((out / ".orgen" / "api.json").read_text())["surface"]
        pair.renamed = sum(c["kind"] == "model-renamed" and c["where"].startswith("models.") for c in changes)
        pair.renumbered = renumbered(changes)
        pair.classes = len(set(old_surface["models"]) & (set(new_surface["models"]) | {c["where"][7:] for c in changes if c["kind"] == "model-renamed"}))
        added = set(new_surface["operations"]) - set(old_surface["operations"])
        removed = set(old_surface["operations"]) - set(new_surface["operations"])
        pair.operations_added, pair.operations_removed = len(added), len(removed)
        named = {c["where"] for c in changes if c["kind"] in ("operation-added", "operation-removed", "operation-renamed")}
        pair.named_operations = all(f"client.{call}" in named or _renamed_to(call, changes) for call in added | removed)
        pair.seconds = time.perf_counter() - started
        print(f"{old.name} -> {new.name}: {pair.bump}, {dict(pair.levels)}, griffe {pair.griffe}, missed {len(pair.missed)}, renamed {pair.renamed}", file=sys.stderr)
        pairs.append(pair)
    return pairs


def griffe_breakages(old: Path, new: Path, resources: dict[str, str]) -> list[str]:
    """Python names of what griffe finds removed, or newly required, from `old`'s package to `new`'s."""
    import griffe

    kinds = {griffe.BreakageKind.OBJECT_REMOVED, griffe.BreakageKind.PARAMETER_ADDED_REQUIRED, griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED, griffe.BreakageKind.PARAMETER_REMOVED}
    old_package = griffe.load(PACKAGE, search_paths=[old], modules_collection=griffe.ModulesCollection(), allow_inspection=False)
    new_package = griffe.load(PACKAGE, search_paths=[new], modules_collection=griffe.ModulesCollection(), allow_inspection=False)
    found = []
    for breakage in griffe.find_breaking_changes(old_package, new_package):
        if breakage.kind not in kinds:
            continue
        path = breakage.obj.path
        if breakage.kind is not griffe.BreakageKind.OBJECT_REMOVED:
            path += f"({breakage.old_value.name if breakage.old_value is not None else breakage.new_value.name}=)"
        found.append(python_name(path, resources))
    return sorted(set(found))


def python_name(path: str, resources: dict[str, str]) -> str:
    """A griffe object path as the name a user types: `client.chat.send(model=)`, `models.Message.role`.

    `resources` maps each resource (`chat`) to its class (`Chat`), whose async and wrapper classes
    (`AsyncChat`, `ChatWithRawResponse`) belong to it too."""
    parts = path.removeprefix(PACKAGE + ".").split(".")
    if parts[0] == "resources" and len(parts) >= 2:
        if parts[1] in resources:  # resources.<module>.<Class>.<method>
            return ".".join(["client", parts[1], *parts[3:]])
        for name, class_name in resources.items():  # resources.<Class> re-exported by the package
            bare = parts[1].removeprefix("Async").removesuffix("WithRawResponse").removesuffix("WithStreamingResponse")
            if bare == class_name:
                return ".".join(["client", name, *parts[2:]])
    if parts[0] == "_client" and len(parts) >= 3:  # the client classes' resource properties
        return ".".join(["client", *parts[2:]])
    return ".".join(parts)


def renumbered(changes: list[dict[str, Any]]) -> int:
    """Classes that went while a class whose name differs only in its digits came (`Item27` ->
    `Item28`): names that depend on the position of a schema among others."""
    def stem(where: str) -> str:
        return re.sub(r"\d+", "#", where)

    gone = {c["where"] for c in changes if c["kind"] in ("model-removed", "model-renamed") and re.search(r"\d", c["where"])}
    came = {stem(c["where"]) for c in changes if c["kind"] == "model-added"}
    came |= {stem(_new_name(c)) for c in changes if c["kind"] == "model-renamed"}
    return sum(stem(where) in came for where in gone)


def _new_name(change: dict[str, Any]) -> str:
    found = re.search(r"is now `([^`]+)`", change["message"])
    return found.group(1) if found else ""


def _covers(where: str, path: str) -> bool:
    """A reported change at `where` accounts for griffe's `path` (itself, or an object inside it)."""
    where = where.split("[", 1)[0]
    return path == where or path.startswith(where + ".") or path.startswith(where + "(")


def _renamed_to(call: str, changes: list[dict[str, Any]]) -> bool:
    return any(c["kind"] == "operation-renamed" and f"`client.{call}`" in c["message"] for c in changes)


def _build(spec: Path, out: Path) -> None:
    _orgen("build", str(spec), "--out", str(out), "--package-name", PACKAGE, "--formatter", "none", "-q")


def _orgen(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "ORGEN_CACHE_DIR": ""}
    done = subprocess.run([sys.executable, "-m", "orgen", *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"orgen {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


def _decompressed(spec: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if spec.suffix != ".xz":
        return spec
    target = folder / spec.name.removesuffix(".xz")
    if not target.exists():
        target.write_bytes(lzma.open(spec).read())
    return target


def report(pairs: list[Pair]) -> str:
    bumps = Counter(p.bump for p in pairs)
    kinds: Counter[str] = sum((p.kinds for p in pairs), Counter())
    griffe_total = sum(p.griffe for p in pairs)
    missed = sum(len(p.missed) for p in pairs)
    renamed, classes = sum(p.renamed for p in pairs), sum(p.classes for p in pairs)
    renumbered = sum(p.renumbered for p in pairs)
    lines = [
        "# Spec history: what orgen reports for each real update",
        "",
        f"{len(pairs)} consecutive pairs; one output folder rebuilt through all of them (`scripts/history.py`).",
        "",
        "- Bumps: " + ", ".join(f"{n} {b}" for b, n in sorted(bumps.items())),
        "- Changes reported: " + ", ".join(f"{sum(p.levels[level] for p in pairs)} {level}" for level in ("breaking", "non-breaking", "docs")),
        f"- griffe's removed objects and newly required arguments: {griffe_total}; reported by orgen as breaking: {griffe_total - missed} ({'all' if not missed else f'{missed} missed'})",
        f"- Operations added or removed, each named: {'yes' if all(p.named_operations for p in pairs) else 'no'}",
        f"- Name churn from orgen's naming: {renumbered} classes whose name changed only in its digits (an order-dependent name), of {classes} classes kept across updates ({100 * renumbered / max(classes, 1):.2f} %)",
        f"- Classes renamed with unchanged content (upstream renames and moved inline schemas, each reported as `model-renamed`): {renamed} ({100 * renamed / max(classes, 1):.2f} %)",
        f"- Every rebuild moved the version by the bump and wrote a changelog entry when something changed: {'yes' if all(p.entry == (p.bump != 'none') for p in pairs) else 'no'}",
        "",
        "| old | new | bump | version | breaking | non-breaking | docs | griffe | missed | renamed classes | renumbered | ops +/- | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in pairs:
        lines.append(
            f"| {p.old} | {p.new} | {p.bump} | {p.version} | {p.levels['breaking']} | {p.levels['non-breaking']} | {p.levels['docs']} "
            f"| {p.griffe} | {len(p.missed)} | {p.renamed} | {p.renumbered} | +{p.operations_added}/-{p.operations_removed} | {p.seconds:.1f} |"
        )
    lines += ["", "## Changes by kind", "", "| level and kind | count |", "|---|---|"]
    lines += [f"| {kind} | {n} |" for kind, n in sorted(kinds.items())]
    if missed:
        lines += ["", "## Missed", ""] + [f"- {p.old} -> {p.new}: {path}" for p in pairs for path in p.missed]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
