"""Run Checkov on an exported ARM template with the committed skip list; exit 1 on any failed check.

Runs in this folder's own environment (``uv run --project tools/checkov``): Checkov pins versions
of libraries the platform also uses. Every skipped check carries its reason in skips.json, and a
skip that no longer matches a failing check is reported too, so the list cannot go stale.

    python3 -m uv run --project tools/checkov python tools/checkov/scan.py out/prod/template.json
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SKIPS = Path(__file__).with_name("skips.json")


def run_checkov(template: Path) -> dict:
    # --skip-download: no calls to the vendor's platform; the checks ship with the package.
    command = [sys.executable, "-m", "checkov.main", "-f", str(template), "--framework", "arm",
               "--skip-download", "-o", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        raise SystemExit(f"checkov produced no report:\n{done.stderr}")
    report = json.loads(done.stdout)
    return report[0] if isinstance(report, list) else report


def main(template: str) -> int:
    skips = {s["id"]: s["reason"] for s in json.loads(SKIPS.read_text())}
    report = run_checkov(Path(template))
    failed = report["results"].get("failed_checks", [])
    passed = report["results"].get("passed_checks", [])
    if report["summary"].get("parsing_errors"):
        print(f"checkov could not parse {template}")
        return 1
    unskipped = [f for f in failed if f["check_id"] not in skips]
    skipped = [f for f in failed if f["check_id"] in skips]
    stale = sorted(set(skips) - {f["check_id"] for f in failed})
    print(f"checkov: {len(passed)} passed, {len(unskipped)} failed, {len(skipped)} skipped (skips.json)")
    for f in unskipped:
        print(f"  FAILED {f['check_id']} {f['check_name']}: {f['resource']}")
    for check_id in sorted({f["check_id"] for f in skipped}):
        print(f"  skipped {check_id}: {skips[check_id]}")
    for check_id in stale:
        print(f"  stale skip {check_id}: no resource fails it any more; remove it from skips.json")
    return 1 if unskipped or stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
