"""Benchmarks: orgen and the client it generates, against their peers, in one command.

    python benchmarks/run.py              # everything; writes benchmarks/RESULTS.md (about 15-25 minutes)
    python benchmarks/run.py --quick      # fewer repetitions, smaller workloads
    python benchmarks/run.py --only gen,check --reps 5
    python benchmarks/run.py --no-github  # leave out the (slow) GitHub spec

Sections (each can be picked with --only):

gen     Generation: whole-process wall time and peak memory (the largest process of the tree, as
        GNU time reports it) of `orgen build` (black, ruff, and a rebuild with nothing changed) against
        openapi-python-client 0.29.x (the reference) and datamodel-code-generator (models only), on
        specs/openapi.yaml, specs/openrouter-full.yaml and GitHub's api.github.com.json. Also how much
        of each spec each tool generated: operations and model classes counted from its output.
update  Regenerating after a spec update: one output folder rebuilt through the latest consecutive
        versions of OpenRouter's published spec (--history, --updates), each against a full
        openapi-python-client build of the same version; with the time of each of orgen's stages.
check   `orgen build --check` with nothing changed, against the floor of parsing the same file with
        PyYAML's C loader in a fresh process (same interpreter start-up cost).
client  Per-request time of N sequential requests to a fixed completion served on 127.0.0.1 by a
        small asyncio server in another process: the generated client
        (generated/openrouter_client, `client.completions.create(...)`), plain `httpx.Client` +
        `json` (the reference), and the official `openrouter` SDK (`client.chat.send(...)`).
sse     Streaming throughput: one response of many completion chunks as server-sent events,
        parsed by the generated client's `Stream`, by the official SDK's event stream, and by
        plain httpx `iter_lines` + `json.loads` (the floor).
runtime The generated client's runtime against plain httpx, the two figures it is held to: time per
        request (≤ 1.1×) and stream parsing throughput (≥ 0.3× `iter_lines()` + `json.loads`), with
        the official SDK beside them if .cache/bench/sdk exists (this section installs nothing).
import  Import time of the generated package (the seed's, and one built from the full OpenRouter
        spec) against the official SDK, each `import` timed inside a fresh process with bytecode
        already compiled.

Every figure is the median over several interleaved repetitions (the order of the contenders
rotates each round), and every ratio is against the reference measured in the same run, so a
busy machine slows both sides alike.

orgen runs from a snapshot of generator/orgen and templates/ taken when the run starts (under
.cache/bench/work/snapshot), so that the whole run measures one version of it; the client, streaming
and import sections use the seed package built from that snapshot with the settings of generated/.

Peers live outside orgen's environment so that their dependencies cannot disturb it: virtual
environments under .cache/bench/ (openapi-python-client, datamodel-code-generator, the openrouter
SDK) and GitHub's spec from npm (`@octokit/openapi`) under .cache/npm/. They are installed on first
use; `--no-install` fails instead. Scratch output goes to .cache/bench/work/.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import datetime as _dt
import json
import lzma
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache"
BENCH = CACHE / "bench"
WORK = BENCH / "work"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

SEED = ROOT / "specs" / "openapi.yaml"
OPENROUTER = ROOT / "specs" / "openrouter-full.yaml"
GITHUB = CACHE / "npm" / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"

PEERS = {
    "opc": ["openapi-python-client==0.29.*"],
    "dcg": ["datamodel-code-generator==0.89.*"],
    "sdk": ["openrouter", "httpx"],
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# -- measuring processes ---------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


# GNU time reports the peak RSS of the command it runs; being small itself, it keeps this script's
# own memory (which a forked child counts as its own until it execs) out of the figure.
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def measure(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 1800) -> Run:
    """Wall time and peak RSS (largest process of the tree, children included once reaped) of one command."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [GNU_TIME, "-f", "%M", "-o", peak.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        reported = peak.read().split()
        peak_kb = int(reported[-1]) if GNU_TIME and reported and reported[-1].isdigit() else usage.ru_maxrss
        return Run(wall, peak_kb / 1024, proc.returncode, out.read(), err.read())


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def interleaved(rounds: int, contenders: dict[str, Any], once: Any) -> dict[str, list[Any]]:
    """Run `once(name, contender)` for every contender, `rounds` times, rotating the order."""
    names = list(contenders)
    results: dict[str, list[Any]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            value = once(name, contenders[name])
            if value is not None:
                results[name].append(value)
    return results


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- setup -----------------------------------------------------------------------------------------


def venv_python(name: str) -> Path:
    return BENCH / name / "bin" / "python"


def ensure_peers(install: bool, need_github: bool) -> None:
    for name, requirements in PEERS.items():
        python = venv_python(name)
        if python.exists():
            continue
        if not install:
            sys.exit(f"missing {python}; run without --no-install")
        log(f"creating .cache/bench/{name} with {' '.join(requirements)}")
        subprocess.run([sys.executable, "-m", "venv", str(BENCH / name)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *requirements], check=True)
    if need_github and not GITHUB.exists():
        if not install:
            sys.exit(f"missing {GITHUB}; run without --no-install")
        log("installing @octokit/openapi into .cache/npm")
        subprocess.run(["npm", "install", "--prefix", str(CACHE / "npm"), "--no-audit", "--no-fund", "@octokit/openapi"], check=True)


def package_version(python: Path, name: str) -> str:
    if not python.exists():
        return "not installed"
    done = subprocess.run([str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "?"


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(extra)
    return env


SNAPSHOT = WORK / "snapshot"
SEED_PACKAGE = WORK / "seed-package"


def snapshot_orgen() -> None:
    """Copy orgen's code and templates as they are now: the whole run measures one version of it,
    whatever happens to the working tree meanwhile (and the record of the last build stays valid)."""
    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    shutil.copytree(ROOT / "generator" / "orgen", SNAPSHOT / "orgen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", SNAPSHOT / "orgen" / "templates")


def orgen_env(**extra: str) -> dict[str, str]:
    return clean_env(PYTHONPATH=str(SNAPSHOT), **extra)


def build_seed_package() -> None:
    """The seed's client as `orgen build specs/openapi.yaml` makes it now (the settings of generated/)."""
    shutil.rmtree(SEED_PACKAGE, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "orgen", "build", str(SEED), "--out", str(SEED_PACKAGE), "-q"],
                          cwd=ROOT, capture_output=True, text=True, check=False, env=orgen_env(ORGEN_CACHE_DIR=""))
    if done.returncode != 0:
        sys.exit(f"building the seed package failed: {done.stderr[-1000:]}")


# -- counting what each tool generated -------------------------------------------------------------


def spec_counts(path: Path) -> tuple[int, int]:
    """(operations, component schemas) declared by the spec."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
    else:
        import yaml

        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    paths = data.get("paths") or {}
    operations = sum(1 for item in paths.values() if isinstance(item, dict) for method in HTTP_METHODS if isinstance(item.get(method), dict))
    return operations, len((data.get("components") or {}).get("schemas") or {})


def top_level_classes(files: list[Path]) -> int:
    total = 0
    for file in files:
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        total += sum(isinstance(node, ast.ClassDef) for node in tree.body)
    return total


def count_orgen(out: Path) -> tuple[int, int]:
    manifest = json.loads((out / ".orgen" / "manifest.json").read_text(encoding="utf-8"))
    models = [p for p in out.glob("*/models.py")]
    return len(manifest.get("operations", [])), top_level_classes(models)


def count_opc(out: Path) -> tuple[int, int]:
    api = [p for p in (out / "api").rglob("*.py") if p.name != "__init__.py"] if (out / "api").is_dir() else []
    operations = sum("def sync_detailed(" in p.read_text(encoding="utf-8") for p in api)
    models = [p for p in (out / "models").glob("*.py") if p.name != "__init__.py"] if (out / "models").is_dir() else []
    return operations, top_level_classes(models)


def count_dcg(out: Path) -> tuple[int, int]:
    return 0, top_level_classes(list(out.rglob("*.py")))


# -- section: generation ---------------------------------------------------------------------------


def gen_section(specs: list[tuple[str, Path, int]], results: list[str]) -> None:
    env = orgen_env(ORGEN_CACHE_DIR=str(WORK / "orgen-cache"))
    opc_env = clean_env(PATH=f"{BENCH / 'opc' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    orgen = [sys.executable, "-m", "orgen"]
    lines = [
        "## Generation",
        "",
        "Whole process, fresh output folder (the rebuild row: a second build into an up-to-date folder).",
        "Time and peak memory are medians; ratios are against openapi-python-client in the same run.",
        "Operations and models are counted from each tool's output (models: top-level classes).",
        "",
        "| spec | tool | runs | time (s) | × opc | peak MB | × opc | operations | models |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, spec, rounds in specs:
        operations, schemas = spec_counts(spec)
        base = WORK / "gen" / label
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        # The rebuild contender needs an up-to-date folder to start from.
        warm = base / "rebuild"
        first = measure([*orgen, "build", str(spec), "--out", str(warm), "--package-name", "client", "-q"], cwd=base, env=env)
        if first.returncode != 0:
            log(f"orgen failed on {label}: {first.stderr[-2000:]}")
        contenders: dict[str, tuple[list[str], dict[str, str], Path, Any]] = {
            "orgen (black)": ([*orgen, "build", str(spec), "--out", "{out}", "--package-name", "client", "-q"], env, base / "black", count_orgen),
            "orgen (ruff)": ([*orgen, "build", str(spec), "--out", "{out}", "--package-name", "client", "--formatter", "ruff", "-q"], env, base / "ruff", count_orgen),
            "orgen rebuild, no change": ([*orgen, "build", str(spec), "--out", str(warm), "--package-name", "client", "-q"], env, warm, count_orgen),
            "openapi-python-client": ([str(BENCH / "opc" / "bin" / "openapi-python-client"), "generate", "--path", str(spec), "--output-path", "{out}", "--overwrite", "--meta", "none"], opc_env, base / "opc", count_opc),
            "datamodel-code-generator": ([str(BENCH / "dcg" / "bin" / "datamodel-codegen"), "--input", str(spec), "--input-file-type", "openapi", "--output-model-type", "pydantic_v2.BaseModel", "--target-python-version", "3.11", "--output", "{out}/models.py"], clean_env(), base / "dcg", count_dcg),
        }
        counts: dict[str, tuple[int, int]] = {}
        failures: dict[str, str] = {}

        def once(name: str, contender: tuple[list[str], dict[str, str], Path, Any]) -> Run | None:
            cmd, env, out, counter = contender
            if out != warm:
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir(parents=True)
            run = measure([part.replace("{out}", str(out)) for part in cmd], cwd=base, env=env)
            log(f"{label}: {name}: {run.wall:.2f}s {run.peak_mb:.0f}MB rc={run.returncode}")
            if run.returncode != 0 and name != "openapi-python-client":  # opc exits 1 on warnings yet writes the client
                failures[name] = (run.stderr or run.stdout)[-300:]
            try:
                counts[name] = counter(out)
            except (OSError, ValueError, KeyError):
                counts.setdefault(name, (0, 0))
            return run

        runs = interleaved(rounds, contenders, once)
        ref = runs["openapi-python-client"]
        ref_time, ref_mem = median([r.wall for r in ref]), median([r.peak_mb for r in ref])
        for name, samples in runs.items():
            wall, mem = median([r.wall for r in samples]), median([r.peak_mb for r in samples])
            ops, models = counts.get(name, (0, 0))
            ops_text = "—" if name == "datamodel-code-generator" else f"{ops}/{operations}"
            note = " (failed)" if name in failures or (ops, models) == (0, 0) else ""
            lines.append(
                f"| {label} | {name}{note} | {len(samples)} | {wall:.2f} | {wall / ref_time:.2f} | {mem:.0f} | {mem / ref_mem:.2f} | {ops_text} | {models} (of {schemas} schemas) |"
            )
        for name, message in failures.items():
            lines.append(f"| {label} | {name} failed: `{' '.join(message.split())[:200]}` | | | | | | | |")
    results.extend(lines + [""])


# -- section: regenerating after a spec update -----------------------------------------------------

HISTORY = ROOT.parent / "shared" / "specs" / "openrouter-history"
_STAGE = re.compile(r"^orgen: (loaded and normalized|rendered and formatted).*\((\d+\.\d+)s\)$", re.M)


def update_section(history: Path, pairs: int, results: list[str]) -> None:
    """One output folder rebuilt through consecutive real versions of a spec, as a user regenerates
    their client on every update (the spec kept under one name, no orgen cache), against a full
    openapi-python-client build of the same version (it has no incremental mode)."""
    versions = sorted(history.glob("*.yaml.xz"))[-(pairs + 1):]
    if len(versions) < 2:
        log(f"update: no spec history in {history}")
        return
    base = WORK / "update"
    shutil.rmtree(base, ignore_errors=True)
    (base / "project").mkdir(parents=True)
    spec, out = base / "project" / "openapi.yaml", base / "project" / "out"
    env = orgen_env(ORGEN_CACHE_DIR="")
    opc_env = clean_env(PATH=f"{BENCH / 'opc' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    orgen = [sys.executable, "-m", "orgen", "build", str(spec), "--out", str(out), "--package-name", "client"]
    spec.write_bytes(lzma.open(versions[0]).read())
    first = measure([*orgen, "-q"], cwd=spec.parent, env=env)
    if first.returncode != 0:
        log(f"update: first build failed: {first.stderr[-500:]}")
        return
    rows, ratios, stages = [], [], {"loaded and normalized": [], "rendered and formatted": []}
    for version in versions[1:]:
        spec.write_bytes(lzma.open(version).read())
        updated = measure(orgen, cwd=spec.parent, env=env)
        opc_out = base / "opc"
        shutil.rmtree(opc_out, ignore_errors=True)
        reference = measure([str(BENCH / "opc" / "bin" / "openapi-python-client"), "generate", "--path", str(spec), "--output-path", str(opc_out), "--overwrite", "--meta", "none"], cwd=base, env=opc_env)
        for stage, seconds in _STAGE.findall(updated.stderr):
            stages[stage].append(float(seconds))
        bump = re.search(r"version \S+ -> (\S+) \((\w+)", updated.stderr)
        units = re.search(r"for (\d+) of (\d+) schemas", updated.stderr)
        ratio = updated.wall / reference.wall
        ratios.append(ratio)
        ran = f"{units[1]} of {units[2]}" if units else "all"
        rows.append(f"| {version.name.removesuffix('.yaml.xz')} | {bump.group(2) if bump else 'none'} | {ran} | {updated.wall:.2f} | {reference.wall:.2f} | {ratio:.2f} |")
        log(f"update to {version.name}: orgen {updated.wall:.2f}s (rc={updated.returncode}), opc {reference.wall:.2f}s, {ratio:.2f}x")
    results.extend([
        "## Regenerating after a spec update",
        "",
        f"One folder rebuilt through the last {len(rows)} updates of OpenRouter's published spec (black, no orgen",
        "cache, the spec kept as `openapi.yaml`), against a full openapi-python-client build of each version.",
        f"Median ratio: **{median(ratios):.2f}×** openapi-python-client.",
        "",
        "*models for* counts the schemas the models library ran on (see `orgen.model_units`; *all* where the",
        "update's class names could depend on the whole document, which only a whole run settles).",
        "",
        "| updated to | bump | models for | orgen update (s) | opc full build (s) | × opc |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        "Where an update's time goes (median seconds per stage, from `orgen build`'s progress lines; *rendered and",
        "formatted* runs the models library in a worker process while the rest is rendered and black formats the",
        "changed pieces; the remainder of the wall time is start-up, the changelog and writing):",
        "",
        "| stage | median (s) |",
        "| --- | ---: |",
        *(f"| {stage} | {median(values):.2f} |" for stage, values in stages.items()),
        "",
    ])


# -- section: --check with nothing changed ---------------------------------------------------------


def check_section(specs: list[tuple[str, Path, int]], results: list[str]) -> None:
    cache = WORK / "check-cache"
    env = orgen_env(ORGEN_CACHE_DIR=str(cache))
    fresh_cache = WORK / "check-fresh-cache"  # emptied before each run: a fresh checkout's machine
    fresh_env = orgen_env(ORGEN_CACHE_DIR=str(fresh_cache))
    cold_env = orgen_env(ORGEN_CACHE_DIR="")
    lines = [
        "## `orgen build --check`, nothing changed",
        "",
        "Floor: a fresh `python -c` that reads the spec and parses it with `yaml.load(text, Loader=yaml.CSafeLoader)`.",
        "`--check` answers from its record of the last build when every input and output is as recorded",
        "(see `orgen.record`). *No record* is a fresh checkout: an empty cache folder, so `--check`",
        "can only answer from the output's manifest (its fingerprint of the spec files, settings,",
        "orgen and the libraries). *Records off* (`ORGEN_CACHE_DIR=`) turns both off: a full",
        "regeneration and comparison.",
        "",
        "| spec | contender | runs | time (s) | × floor |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    floor = "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)"
    for label, spec, rounds in specs:
        out = WORK / "check" / label / "out"
        shutil.rmtree(out.parent, ignore_errors=True)
        out.parent.mkdir(parents=True)
        build = measure([sys.executable, "-m", "orgen", "build", str(spec), "--out", str(out), "--package-name", "client", "-q"], cwd=out.parent, env=env)
        if build.returncode != 0:
            log(f"check: build failed on {label}: {build.stderr[-500:]}")
            continue
        check = [sys.executable, "-m", "orgen", "build", str(spec), "--out", str(out), "--package-name", "client", "--check", "-q"]
        contenders = {
            "yaml.CSafeLoader floor": ([sys.executable, "-c", floor, str(spec)], clean_env()),
            "orgen --check": (check, env),
            "orgen --check, no record": (check, fresh_env),
            "orgen --check, records off": (check, cold_env),
        }

        def once(name: str, contender: tuple[list[str], dict[str, str]]) -> Run:
            shutil.rmtree(fresh_cache, ignore_errors=True)
            run = measure(contender[0], cwd=out.parent, env=contender[1])
            if run.returncode != 0:
                log(f"check {label}: {name} exited {run.returncode}: {run.stderr[-300:]}")
            log(f"check {label}: {name}: {run.wall:.3f}s")
            return run

        runs = interleaved(rounds, contenders, once)
        ref = median([r.wall for r in runs["yaml.CSafeLoader floor"]])
        for name, samples in runs.items():
            wall = median([r.wall for r in samples])
            lines.append(f"| {label} | {name} | {len(samples)} | {wall:.3f} | {wall / ref:.2f} |")
    results.extend(lines + [""])


# -- the local server for client and streaming benchmarks ------------------------------------------

COMPLETION = {
    "id": "gen-bench-1",
    "object": "text_completion",
    "created": 1764300000,
    "model": "openai/gpt-4o-mini",
    "system_fingerprint": None,
    "choices": [{"text": "Hello! How can I help you today?", "index": 0, "logprobs": None, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
}
CHAT = {
    "id": "gen-bench-1",
    "object": "chat.completion",
    "created": 1764300000,
    "model": "openai/gpt-4o-mini",
    "system_fingerprint": None,
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hello! How can I help you today?"}}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 9, "total_tokens": 18},
}


def completion_chunk(index: int) -> dict[str, Any]:
    return {
        "id": "gen-bench-1", "object": "text_completion", "created": 1764300000, "model": "openai/gpt-4o-mini",
        "choices": [{"text": f"tok{index} ", "index": 0, "logprobs": None, "finish_reason": None}],
    }


def chat_chunk(index: int) -> dict[str, Any]:
    return {
        "id": "gen-bench-1", "object": "chat.completion.chunk", "created": 1764300000, "model": "openai/gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": None, "delta": {"role": "assistant", "content": f"tok{index} "}}],
    }


def sse_body(chunk: Any, events: int) -> bytes:
    parts = [f"data: {json.dumps(chunk(i), separators=(',', ':'))}\n\n" for i in range(events)]
    parts.append("data: [DONE]\n\n")
    return "".join(parts).encode()


def serve(port_file: str, events: int) -> None:
    """HTTP/1.1 keep-alive server with fixed answers; prints nothing, runs until killed."""
    bodies = {
        "/api/v1/completions": (b"application/json", json.dumps(COMPLETION).encode()),
        "/api/v1/chat/completions": (b"application/json", json.dumps(CHAT).encode()),
    }
    streams = {
        "/api/v1/completions": sse_body(completion_chunk, events),
        "/api/v1/chat/completions": sse_body(chat_chunk, events),
    }

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length) if length else b""
                if b'"stream":true' in body.replace(b" ", b""):
                    kind, payload = b"text/event-stream", streams.get(path, b"")
                else:
                    kind, payload = bodies.get(path, (b"application/json", b"{}"))
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: " + kind + b"\r\ncontent-length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        Path(port_file).write_text(str(port))
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class Server:
    def __init__(self, events: int) -> None:
        self.port_file = Path(tempfile.mkstemp(prefix="bench-port-")[1])
        self.port_file.write_text("")
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(self.port_file), "--events", str(events)], env=clean_env())
        deadline = time.time() + 20
        while not self.port_file.read_text():
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{int(self.port_file.read_text())}/api/v1"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.port_file.unlink(missing_ok=True)


# -- client programs, each run in its own fresh process --------------------------------------------

CLIENT_PROGRAMS = {
    "plain httpx + json": """
        import httpx, json
        http = httpx.Client(base_url=BASE, headers={"Authorization": "Bearer sk-bench"})
        def call():
            response = http.post("/completions", json={"model": "openai/gpt-4o-mini", "prompt": "Say hello"})
            response.raise_for_status()
            return json.loads(response.content)
    """,
    "orgen client": """
        from openrouter_client import OpenRouter
        client = OpenRouter(api_key="sk-bench", base_url=BASE, max_retries=0)
        def call():
            return client.completions.create(model="openai/gpt-4o-mini", prompt="Say hello")
    """,
    "openrouter SDK": """
        from openrouter import OpenRouter
        client = OpenRouter(api_key="sk-bench", server_url=BASE)
        def call():
            return client.chat.send(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}])
    """,
}
STREAM_PROGRAMS = {
    "plain httpx iter_lines + json": """
        import httpx, json
        http = httpx.Client(base_url=BASE, headers={"Authorization": "Bearer sk-bench"})
        def consume():
            count = 0
            with http.stream("POST", "/completions", json={"model": "m", "prompt": "p", "stream": True}) as response:
                for line in response.iter_lines():
                    if line.startswith("data: ") and line != "data: [DONE]":
                        json.loads(line[6:])
                        count += 1
            return count
    """,
    "orgen Stream": """
        from openrouter_client import OpenRouter
        client = OpenRouter(api_key="sk-bench", base_url=BASE, max_retries=0)
        def consume():
            count = 0
            for chunk in client.completions.create(model="m", prompt="p", stream=True):
                count += 1
            return count
    """,
    "openrouter SDK stream": """
        from openrouter import OpenRouter
        client = OpenRouter(api_key="sk-bench", server_url=BASE)
        def consume():
            count = 0
            with client.chat.send(model="m", messages=[{"role": "user", "content": "p"}], stream=True) as stream:
                for chunk in stream:
                    count += 1
            return count
    """,
}
REQUEST_HARNESS = """
import json, sys, time
BASE = sys.argv[1]
N = int(sys.argv[2])
{program}
for _ in range(max(20, N // 20)):
    call()
start = time.perf_counter()
for _ in range(N):
    call()
print(json.dumps({{"seconds": (time.perf_counter() - start) / N}}))
"""
STREAM_HARNESS = """
import json, sys, time
BASE = sys.argv[1]
{program}
consume()
start = time.perf_counter()
count = consume()
print(json.dumps({{"seconds": time.perf_counter() - start, "events": count}}))
"""


def python_for(name: str) -> tuple[str, dict[str, str]]:
    if "SDK" in name:
        return str(venv_python("sdk")), clean_env()
    return sys.executable, clean_env(PYTHONPATH=str(SEED_PACKAGE))


def request_times(server: Server, programs: dict[str, str], rounds: int, requests: int) -> dict[str, list[float]]:
    """Seconds per request of each program (REQUEST_HARNESS), fresh process per run, interleaved."""
    def once(name: str, program: str) -> float | None:
        python, env = python_for(name)
        code = REQUEST_HARNESS.format(program=textwrap.dedent(program))
        done = subprocess.run([python, "-c", code, server.base, str(requests)], capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            log(f"client: {name} failed: {done.stderr[-800:]}")
            return None
        seconds = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
        log(f"client: {name}: {seconds * 1e6:.0f} µs/request")
        return seconds

    return interleaved(rounds, programs, once)


def stream_rates(server: Server, programs: dict[str, str], rounds: int, counts: dict[str, int]) -> dict[str, list[float]]:
    """Events per second each program (STREAM_HARNESS) parses, fresh process per run, interleaved."""
    def once(name: str, program: str) -> float | None:
        python, env = python_for(name)
        code = STREAM_HARNESS.format(program=textwrap.dedent(program))
        done = subprocess.run([python, "-c", code, server.base], capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            log(f"sse: {name} failed: {done.stderr[-800:]}")
            return None
        data = json.loads(done.stdout.strip().splitlines()[-1])
        counts[name] = data["events"]
        rate = data["events"] / data["seconds"]
        log(f"sse: {name}: {rate:,.0f} events/s")
        return rate

    return interleaved(rounds, programs, once)


def client_section(rounds: int, requests: int, results: list[str]) -> None:
    server = Server(events=10)
    try:
        runs = request_times(server, CLIENT_PROGRAMS, rounds, requests)
    finally:
        server.close()
    ref = median(runs["plain httpx + json"])
    lines = [
        "## Generated client, per-request time",
        "",
        f"{requests} sequential requests after a warm-up, one fresh process per run, against a local asyncio",
        "server answering a fixed completion (`/completions` for orgen and httpx, `/chat/completions` for the SDK,",
        "bodies of the same size). Overhead = time per request minus plain httpx's.",
        "",
        "| client | runs | µs / request | × plain httpx | overhead µs |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, samples in runs.items():
        value = median(samples)
        lines.append(f"| {name} | {len(samples)} | {value * 1e6:.0f} | {value / ref:.2f} | {(value - ref) * 1e6:+.0f} |")
    results.extend(lines + [""])


def sse_section(rounds: int, events: int, results: list[str]) -> None:
    server = Server(events=events)
    counts: dict[str, int] = {}
    try:
        runs = stream_rates(server, STREAM_PROGRAMS, rounds, counts)
    finally:
        server.close()
    ref = median(runs["openrouter SDK stream"])
    lines = [
        "## Streaming (server-sent events) throughput",
        "",
        f"One response of {events:,} completion chunks (`data: {{...}}` events, then `[DONE]`), parsed into typed",
        "chunks; one fresh process per run, after one warm-up stream. Ratios against the official SDK.",
        "",
        "| parser | runs | events parsed | events / s | × SDK |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, samples in runs.items():
        value = median(samples)
        lines.append(f"| {name} | {len(samples)} | {counts.get(name, 0):,} | {value:,.0f} | {value / ref:.2f} |")
    results.extend(lines + [""])


# -- section: the client runtime against plain httpx ------------------------------------------------

# What the runtime must keep to, as ratios to plain httpx measured in the same run.
RUNTIME_TARGETS = {"request": 1.1, "stream": 0.3}


def runtime_section(rounds: int, requests: int, events: int, results: list[str]) -> None:
    """The generated client's per-request time and stream parsing throughput as ratios to plain httpx
    (the floor), with the official SDK beside them when its environment (.cache/bench/sdk) exists;
    it is not installed for this section."""
    with_sdk = venv_python("sdk").exists()

    def pick(programs: dict[str, str]) -> dict[str, str]:
        return {name: program for name, program in programs.items() if with_sdk or "SDK" not in name}

    server = Server(events=events)
    counts: dict[str, int] = {}
    try:
        times = request_times(server, pick(CLIENT_PROGRAMS), rounds, requests)
        rates = stream_rates(server, pick(STREAM_PROGRAMS), rounds, counts)
    finally:
        server.close()
    time_ref, rate_ref = median(times["plain httpx + json"]), median(rates["plain httpx iter_lines + json"])
    request_ratio = median(times["orgen client"]) / time_ref
    stream_ratio = median(rates["orgen Stream"]) / rate_ref
    lines = [
        "## Client runtime against plain httpx",
        "",
        f"Both against one local asyncio server, one fresh process per run, medians of interleaved runs: {requests}",
        f"sequential completions, and one stream of {events:,} completion chunks. Targets: per-request time",
        f"≤ {RUNTIME_TARGETS['request']}× plain httpx + `json`; stream events/s ≥ {RUNTIME_TARGETS['stream']}× plain httpx",
        "`iter_lines()` + `json.loads` (which builds dicts; the others build typed objects)."
        + ("" if with_sdk else " The official SDK is not installed in .cache/bench/sdk, so it is left out."),
        "",
        "| client | runs | µs / request | × plain httpx |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {name} | {len(s)} | {median(s) * 1e6:.0f} | {median(s) / time_ref:.2f} |" for name, s in times.items()]
    lines += ["", "| stream parser | runs | events parsed | events / s | × plain httpx |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {name} | {len(s)} | {counts.get(name, 0):,} | {median(s):,.0f} | {median(s) / rate_ref:.2f} |" for name, s in rates.items()]
    lines += [
        "",
        f"orgen per-request ratio **{request_ratio:.2f}×** (target ≤ {RUNTIME_TARGETS['request']}), "
        f"stream throughput ratio **{stream_ratio:.2f}×** (target ≥ {RUNTIME_TARGETS['stream']}).",
    ]
    results.extend(lines + [""])


# -- section: import time --------------------------------------------------------------------------

IMPORT_PROGRAM = "import time; t = time.perf_counter(); import {module}; from {module} import {name}; print(time.perf_counter() - t)"


def import_section(rounds: int, results: list[str]) -> None:
    full = WORK / "import" / "openrouter-full"  # built from the snapshot every run
    shutil.rmtree(full, ignore_errors=True)
    full.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "orgen", "build", str(OPENROUTER), "--out", str(full), "--package-name", "openrouter_full", "--client-name", "OpenRouter", "--formatter", "ruff", "-q"],
                          cwd=full.parent, capture_output=True, text=True, check=False, env=orgen_env(ORGEN_CACHE_DIR=""))
    if done.returncode != 0:
        log(f"import: building the full package failed: {done.stderr[-500:]}")
    contenders = {
        "orgen package (seed spec)": (sys.executable, SEED_PACKAGE, "openrouter_client"),
        "orgen package (full OpenRouter spec)": (sys.executable, full, "openrouter_full"),
        "openrouter SDK": (str(venv_python("sdk")), None, "openrouter"),
    }
    for python, path, module in contenders.values():  # compile bytecode once, as an installed package has it
        env = clean_env(**({"PYTHONPATH": str(path)} if path else {}))
        subprocess.run([python, "-c", f"import {module}"], env=env, capture_output=True, check=False)

    def once(name: str, contender: tuple[str, Path | None, str]) -> float | None:
        python, path, module = contender
        env = clean_env(**({"PYTHONPATH": str(path)} if path else {}))
        done = subprocess.run([python, "-c", IMPORT_PROGRAM.format(module=module, name="OpenRouter")], capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            log(f"import: {name} failed: {done.stderr[-500:]}")
            return None
        return float(done.stdout.strip())

    runs = interleaved(rounds, contenders, once)
    ref = median(runs["openrouter SDK"])
    lines = [
        "## Import time",
        "",
        "`import pkg; from pkg import OpenRouter`, timed inside a fresh interpreter (bytecode compiled beforehand).",
        "",
        "| package | runs | ms | × SDK |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, samples in runs.items():
        value = median(samples)
        lines.append(f"| {name} | {len(samples)} | {value * 1000:.0f} | {value / ref:.2f} |")
    results.extend(lines + [""])


# -- main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="gen,update,check,client,sse,runtime,import", help="comma-separated sections")
    parser.add_argument("--history", type=Path, default=HISTORY, help="folder of consecutive spec versions (*.yaml.xz) for the update section")
    parser.add_argument("--updates", type=int, default=10, help="how many of the latest updates the update section replays")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller workloads")
    parser.add_argument("--reps", type=int, help="repetitions for the small cases")
    parser.add_argument("--no-github", action="store_true", help="leave out GitHub's spec")
    parser.add_argument("--no-install", action="store_true", help="fail instead of installing missing peers")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=20_000, help="events in the streaming benchmark")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.events)
        return
    sections = set(args.only.split(","))
    reps = args.reps or (3 if args.quick else 5)
    big_reps = max(2, reps - 2)
    github_reps = 1 if args.quick else 2
    with_github = not args.no_github and bool(sections & {"gen", "check"})
    if sections - {"runtime"}:
        ensure_peers(not args.no_install, with_github)
    WORK.mkdir(parents=True, exist_ok=True)
    snapshot_orgen()
    build_seed_package()

    specs = [("openapi.yaml (seed)", SEED, reps), ("openrouter-full.yaml", OPENROUTER, big_reps)]
    if with_github:
        specs.append(("api.github.com.json", GITHUB, github_reps))
    results: list[str] = []
    started = time.time()
    if "gen" in sections:
        gen_section(specs, results)
    if "update" in sections:
        update_section(args.history, 4 if args.quick else args.updates, results)
    if "check" in sections:
        check_section(specs, results)
    if "client" in sections:
        client_section(reps, 500 if args.quick else 2000, results)
    if "sse" in sections:
        sse_section(reps, 5000 if args.quick else args.events, results)
    if "runtime" in sections:
        runtime_section(reps, 500 if args.quick else 2000, 5000 if args.quick else args.events, results)
    if "import" in sections:
        import_section(reps * 2, results)

    versions = {
        "orgen": package_version(Path(sys.executable), "orgen"),
        "black": package_version(Path(sys.executable), "black"),
        "ruff": package_version(Path(sys.executable), "ruff"),
        "openapi-python-client": package_version(venv_python("opc"), "openapi-python-client"),
        "datamodel-code-generator": package_version(venv_python("dcg"), "datamodel-code-generator"),
        "openrouter SDK": package_version(venv_python("sdk"), "openrouter"),
    }
    if GITHUB.exists():
        versions["@octokit/openapi"] = json.loads((GITHUB.parents[1] / "package.json").read_text())["version"]
    header = [
        "# Benchmarks",
        "",
        f"Written by `python benchmarks/run.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}` on "
        f"{_dt.date.today().isoformat()} in {(time.time() - started) / 60:.0f} minutes.",
        "",
        f"Machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
        "",
    ]
    args.output.write_text("\n".join(header + results), encoding="utf-8")
    print("\n".join(header + results))


if __name__ == "__main__":
    main()
