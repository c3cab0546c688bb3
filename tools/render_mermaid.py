"""Render review.md's topology diagram in a real browser with both Mermaid majors (10.9 and 11).

    apt-get install chromium
    npm install --prefix /tmp/mermaid mermaid10@npm:mermaid@10.9 mermaid11@npm:mermaid@11
    uv run python tools/render_mermaid.py --node-modules /tmp/mermaid/node_modules

For the dev stack and synthetic stacks of 100 and 1,000 tenants (the diagram as review.md draws it,
and at 100 tenants also one node per workspace, what review.md drew before aggregation), each
Mermaid build renders the diagram in headless Chromium; the script prints one row per render:
whether an SVG came out, how many nodes it has, or Mermaid's error. Exit 1 if a review.md
diagram fails to render. Needs no network: Mermaid is loaded from the local node_modules.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="{script}"></script></head><body>
<pre id="src">{source}</pre><div id="out"></div>
<script>
(async () => {{
  const out = document.getElementById('out');
  try {{
    mermaid.initialize({{startOnLoad: false, securityLevel: 'strict', maxTextSize: 50000}});
    const {{svg}} = await mermaid.render('diagram', document.getElementById('src').textContent);
    out.innerHTML = svg;
    out.setAttribute('data-result', 'ok');
  }} catch (e) {{
    out.setAttribute('data-result', 'error');
    out.textContent = 'ERROR: ' + (e && e.message ? e.message : String(e));
  }}
}})();
</script></body></html>"""


def diagrams() -> list[tuple[str, str]]:
    from preview_scale import synthetic_raw

    from preview.mermaid import topology_diagram
    from stacks.load import PROJECT_DIR, parse_config, raw_from_stack_file
    from stacks.topology import Topology

    def of(raw, env, aggregate=None):
        config = parse_config(raw, environment=env, project_dir=PROJECT_DIR)
        return topology_diagram(config, Topology.of(config), aggregate=aggregate)

    dev = raw_from_stack_file(PROJECT_DIR / "Pulumi.dev.yaml")
    hundred, thousand = synthetic_raw(100), synthetic_raw(1000)
    return [
        ("dev (4 tenants, one node each)", of(dev, "dev")),
        ("100 tenants, aggregated (review.md)", of(hundred, "bench")),
        ("1000 tenants, aggregated (review.md)", of(thousand, "bench")),
        ("100 tenants, one node each (before)", of(hundred, "bench", aggregate=False)),
    ]


def render(chromium: str, script: Path, source: str, work: Path) -> tuple[str, str]:
    page = work / "page.html"
    page.write_text(PAGE.format(script=script.as_uri(), source=html.escape(source)))
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--virtual-time-budget=20000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    dom = done.stdout
    match = re.search(r"<div id=\"out\" data-result=\"(?P<result>\w+)\">(.*?)</div>\s*<script", dom, re.S)
    if not match:
        return "no result", (done.stderr.strip().splitlines() or ["(nothing rendered)"])[-1][:120]
    if match["result"] == "error":
        return "error", html.unescape(re.sub(r"<[^>]+>", "", match[2]))[:160]
    svg = match[2]
    nodes = len(re.findall(r'class="node[ "]', svg))
    # Edge paths are ids "L-<from>-<to>-<n>" (10.x) or "L_<from>_<to>_<n>" (11.x).
    edges = len(re.findall(r'<path[^>]*\bid="L[-_]', svg))
    syntax = "Syntax error" in svg
    return ("error" if syntax else "ok"), f"svg {len(svg):,} chars, {nodes} nodes, {edges} edges" + (
        " (Syntax error)" if syntax else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--node-modules", type=Path, required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.chromium:
        raise SystemExit("no chromium found: apt-get install chromium, or pass --chromium")
    builds = []
    for package in ("mermaid10", "mermaid11"):
        meta = json.loads((args.node_modules / package / "package.json").read_text())
        builds.append((meta["version"], args.node_modules / package / "dist" / "mermaid.min.js"))
    rows, failed = [], False
    with tempfile.TemporaryDirectory() as scratch:
        for name, source in diagrams():
            for version, script in builds:
                status, detail = render(args.chromium, script, source, Path(scratch))
                rows.append({"diagram": name, "mermaid": version, "source chars": len(source),
                             "status": status, "detail": detail})
                failed |= status != "ok" and "before" not in name
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print("| diagram | Mermaid | source chars | result | detail |\n|---|---|---:|---|---|")
        for r in rows:
            print(f"| {r['diagram']} | {r['mermaid']} | {r['source chars']:,} | {r['status']} | {r['detail']} |")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
