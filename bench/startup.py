"""Start-up and end-to-end time of the two commands, beside the floors they cannot go below.

    uv run python bench/startup.py              # 5 runs of each small command, 3 previews
    uv run python bench/startup.py --runs 9     # more runs
    uv run python bench/startup.py --json       # the figures as JSON

Every figure is the median wall time of fresh processes (min in brackets). Floors:

- ``python -c pass``: the interpreter alone;
- importing azure-ai-ml alone (the preview loads it for the catalog and the retraining check);
- importing the azure-native modules the dev stack's resources come from;
- registering the dev stack's resources under the offline mock engine with no program code: the
  resources of the preview's own preview.json replayed as plain resources (providers, components
  and custom resources with their inputs, parents and protect flags), timed inside the process
  after its imports.

The preview end to end should stay within a small margin of floors 2 + 3 + 4: everything else it
does (config, components, access planning, policy, post-deploy plan, review) is the margin.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HELP_TARGET, PREVIEW_TARGET, PREVIEW_MARGIN = 0.5, 5.0, 1.5

# Runs in a fresh interpreter: replays preview.json's resources under the mock engine, prints seconds.
_REPLAY = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
import pulumi
from preview.engine import AzureMocks
from pulumi.runtime.settings import set_root_resource

document = json.loads(Path(sys.argv[1]).read_text())
entries = document["resources"]
by_key = {f"{e['type']}::{e['name']}": e for e in entries}

def depth(entry):
    n = 0
    while entry.get("parent"):
        entry = by_key[entry["parent"]]
        n += 1
    return n

started = time.perf_counter()
set_root_resource(None)
pulumi.runtime.set_mocks(AzureMocks(), project="ml-tenancy", stack=document["stack"], preview=True)

@pulumi.runtime.test
def replay():
    made, providers = {}, {}
    for entry in sorted(entries, key=lambda e: (e["type"] != "pulumi:providers:azure-native", depth(e))):
        key = f"{entry['type']}::{entry['name']}"
        parent = made.get(entry.get("parent"))
        if entry["type"] == "pulumi:providers:azure-native":
            made[key] = providers[entry["inputs"]["subscriptionId"]] = pulumi.ProviderResource(
                "azure-native", entry["name"], entry["inputs"])
        elif entry["type"].startswith("ml-tenancy:"):
            made[key] = pulumi.ComponentResource(entry["type"], entry["name"], None,
                                                 pulumi.ResourceOptions(parent=parent))
        else:
            made[key] = pulumi.CustomResource(entry["type"], entry["name"], entry["inputs"], pulumi.ResourceOptions(
                parent=parent, provider=providers.get(entry.get("subscription")), protect=entry["protect"]))

replay()
print(f"{time.perf_counter() - started:.4f} {len(entries)}")
"""


@dataclass(frozen=True)
class Row:
    what: str
    kind: str  # "floor" | "command"
    median: float
    fastest: float
    runs: int
    note: str = ""


def timed(argv: list[str], runs: int, cwd: Path = ROOT) -> list[float]:
    """Wall seconds of each run of a fresh process; a failing run stops the benchmark."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):  # 1: mandatory policy violations, still a full run
            raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return times


def row(what: str, kind: str, times: list[float], note: str = "") -> Row:
    return Row(what, kind, statistics.median(times), min(times), len(times), note)


def azure_native_imports(document: dict) -> list[str]:
    """One import statement per azure-native module the stack uses, naming the classes it uses.

    azure-native loads a module's classes (and its large ``_inputs``) on first attribute access,
    so importing the bare package would leave most of the cost to the program.
    """
    classes: dict[str, set[str]] = {}
    for entry in document["resources"]:
        if entry["type"].startswith("azure-native:"):
            _, module, name = entry["type"].split(":")
            classes.setdefault(module, set()).add(name)
    return [f"from pulumi_azure_native.{m} import {', '.join(sorted(c))}" for m, c in sorted(classes.items())]


def measure(runs: int, previews: int) -> list[Row]:
    python = sys.executable
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        preview_cmd = [str(BIN / "ml-tenancy"), "preview", "--stack", "dev", "--quiet", "--out", str(out)]
        preview = timed(preview_cmd, previews)
        document_path = out / "dev" / "preview.json"
        document = json.loads(document_path.read_text())
        imports = azure_native_imports(document)

        rows.append(row("python -c pass", "floor", timed([python, "-c", "pass"], runs)))
        rows.append(row("import azure.ai.ml", "floor", timed([python, "-c", "import azure.ai.ml"], runs)))
        rows.append(row(
            f"import the classes of {len(imports)} azure-native modules", "floor",
            timed([python, "-c", "; ".join(imports)], runs), ", ".join(i.split()[1].split(".")[1] for i in imports),
        ))
        replays = []
        for _ in range(runs):
            done = subprocess.run([python, "-c", _REPLAY, str(document_path), str(ROOT)], cwd=ROOT,
                                  capture_output=True, text=True, check=True)
            seconds, count = done.stdout.split()
            replays.append(float(seconds))
        rows.append(row(f"register the dev stack's {count} resources, no program", "floor", replays,
                        "timed inside the process, after imports"))

        rows.append(row("ml-tenancy --help", "command", timed([str(BIN / "ml-tenancy"), "--help"], runs)))
        rows.append(row("mlt-postdeploy --help", "command", timed([str(BIN / "mlt-postdeploy"), "--help"], runs)))
        rows.append(row("ml-tenancy preview --stack dev", "command", preview, "end to end, writes all its files"))
    return rows


def verdicts(rows: list[Row]) -> list[str]:
    by = {r.what: r for r in rows}
    floors = sum(r.median for r in rows if r.kind == "floor" and r.what != "python -c pass")
    preview = by["ml-tenancy preview --stack dev"].median
    met = preview < PREVIEW_TARGET and preview - floors <= PREVIEW_MARGIN
    lines = [
        f"floors (azure-ai-ml + azure-native imports + registration): {floors:.2f} s; "
        f"preview {preview:.2f} s, {preview - floors:+.2f} s over them (target: under {PREVIEW_TARGET:g} s "
        f"and within {PREVIEW_MARGIN:g} s) -> {'ok' if met else 'MISSED'}",
    ]
    for name in ("ml-tenancy --help", "mlt-postdeploy --help"):
        value = by[name].median
        verdict = "ok" if value < HELP_TARGET else "MISSED"
        lines.append(f"{name}: {value:.2f} s (target under {HELP_TARGET:g} s) -> {verdict}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each floor and --help")
    parser.add_argument("--previews", type=int, default=3, help="runs of the preview end to end")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    rows = measure(args.runs, args.previews)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="start-up and end-to-end wall time (median of fresh processes)")
    for column in ("kind", "what", "median s", "min s", "runs", "note"):
        table.add_column(column, justify="right" if column.endswith(("s", "runs")) else "left")
    for r in rows:
        table.add_row(r.kind, r.what, f"{r.median:.2f}", f"{r.fastest:.2f}", str(r.runs), r.note)
    console = Console(width=160)
    console.print(table)
    for line in verdicts(rows):
        console.print(line)


if __name__ == "__main__":
    main()
