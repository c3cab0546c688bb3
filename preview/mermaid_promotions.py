"""Promotions in the Mermaid topology: each source registry, in its own Entra tenant, with an arrow to ours.

Kept apart from the flow aggregation in ``preview.mermaid``: it only appends statements (a
subgraph per source Entra tenant, one arrow per source registry with one label line per promoted
version, and their styles), numbering its links after every link already in the diagram.
"""

from __future__ import annotations

import re

from preview.mermaid import label, node_id, registry_id
from stacks.model import PlatformConfig

_LINE = "<br/>"
_LINK = re.compile(r"^\s+\w+ (---|-->|==>|-\.->)")
PROMOTE_STYLE = "stroke:#6a1b9a,stroke-width:3px"
SOURCE_CLASS = "fill:#f3e5f5,stroke:#6a1b9a,stroke-width:2px,stroke-dasharray:5 3"


def source_registry_id(tenant_id: str, registry: str) -> str:
    # Registry names are unique within one Entra tenant only, so the tenant is part of the id.
    return node_id("srcreg", registry) + "_" + tenant_id.replace("-", "")[:8]


def promotion_statements(config: PlatformConfig, diagram: str) -> list[str]:
    """The lines to append to ``diagram`` (its own link count decides the new links' numbers)."""
    if not config.promotions:
        return []
    sources: dict[tuple[str, str], list[str]] = {}
    rgs: dict[tuple[str, str], str] = {}
    for promotion in config.promotions:
        key = (promotion.from_.entra_tenant_id, promotion.from_.registry)
        rgs[key] = promotion.from_.resource_group
        lines = sources.setdefault(key, [])
        for asset in promotion.assets:
            text = label(f"promote {asset.asset_kind} {asset.asset_name}:{asset.version}")
            if text not in lines:
                lines.append(text)
    out: list[str] = []
    for tenant in dict.fromkeys(t for t, _ in sources):
        out.append(f'  subgraph {node_id("tenant", tenant.replace("-", ""))} ["{label(f"Entra tenant {tenant}")}"]')
        for (t, registry) in sources:
            if t == tenant:
                text = f"{label(f'registry {registry}')}{_LINE}{label(rgs[(t, registry)])}"
                out.append(f'    {source_registry_id(t, registry)}[("{text}")]')
        out.append("  end")
    first = sum(1 for line in diagram.splitlines() if _LINK.match(line))
    target = registry_id(config)
    for (tenant, registry), lines in sources.items():
        out.append(f'  {source_registry_id(tenant, registry)} ==>|"{_LINE.join(lines)}"| {target}')
    out.append(f"  classDef promotionSource {SOURCE_CLASS}")
    out.append(f"  class {','.join(source_registry_id(t, r) for t, r in sources)} promotionSource")
    out.append(f"  linkStyle {','.join(str(first + i) for i in range(len(sources)))} {PROMOTE_STYLE}")
    return out


def with_promotions(config: PlatformConfig, diagram: str) -> str:
    extra = promotion_statements(config, diagram)
    return diagram + "".join(f"{line}\n" for line in extra)
