"""Config of promotions: asset versions copied from a registry in another Entra tenant into this one.

A registry serves one Entra tenant, so ``share`` cannot reach across: a dev registry in the
platform team's tenant and a prod registry in the customer's are two worlds. A promotion names,
in the *target* stack, which versions to copy from which source registry, and the gate a source
version must pass (a model stage, tags, or both) before it is copied. The copy itself is a
post-deploy kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, model_validator

from stacks.errors import Problem, field_error, join_path
from stacks.fields import AssetName, ConfigModel, Guid, Version, described

PROMOTABLE_KINDS = ("model", "environment", "component", "data")
TargetVersion = Literal["source", "next"]


class SourceRegistry(ConfigModel):
    """Where the versions come from: the registry and the Entra tenant it lives in."""

    registry: Annotated[str, described("a registry name: 3-32 letters, digits, '_' or '-'")]
    subscription_id: Guid
    resource_group: Annotated[str, described("a resource group name")]
    entra_tenant_id: Guid

    @property
    def arm_id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}/providers/"
            f"Microsoft.MachineLearningServices/registries/{self.registry}"
        )


class Gate(ConfigModel):
    """What the source version must say before it is copied.

    ``stage``: the model's stage (azure-ai-ml ``Model.stage``, e.g. Production); models only.
    ``tags``: every tag listed must be on the source version with exactly this value, e.g.
    ``{approved-for: prod}``; any asset kind.
    """

    stage: Annotated[str, described("a model stage such as Production")] | None = None
    tags: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _something(self) -> Gate:
        if self.stage is None and not self.tags:
            raise ValueError(
                "names no condition; give stage (models: the source model's stage, such as Production), "
                "tags (such as {approved-for: prod}) or both: an ungated promotion would copy whatever the "
                "source holds"
            )
        return self


class PromotedAsset(ConfigModel):
    """One version to promote, named by exactly one of model, environment, component or data."""

    model: AssetName | None = None
    environment: AssetName | None = None
    component: AssetName | None = None
    data: AssetName | None = None
    version: Version
    gate: Gate | None = None  # overrides the promotion's gate for this asset

    @model_validator(mode="after")
    def _one_asset(self) -> PromotedAsset:
        given = [kind for kind in PROMOTABLE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            found = f"names {len(given)} assets ({', '.join(given)})" if given else "names no asset"
            raise ValueError(f"{found}; name exactly one with one of the keys {', '.join(PROMOTABLE_KINDS)}")
        return self

    @property
    def asset_kind(self) -> str:
        return next(kind for kind in PROMOTABLE_KINDS if getattr(self, kind) is not None)

    @property
    def asset_name(self) -> str:
        return getattr(self, self.asset_kind)


class Promotion(ConfigModel):
    """Versions copied from one source registry, behind one gate.

    ``targetVersion``: ``source`` creates the same version number in this registry; ``next``
    creates this registry's next free version (highest numeric version + 1).
    """

    from_: SourceRegistry = Field(alias="from")
    gate: Gate
    target_version: TargetVersion = "source"
    assets: Annotated[
        tuple[PromotedAsset, ...],
        described("a list of assets, each {model|environment|component|data: <name>, version: \"<v>\"}"),
    ]

    @model_validator(mode="after")
    def _assets(self) -> Promotion:
        if not self.assets:
            raise field_error("assets", "is empty; list at least one asset version to promote")
        return self

    def gate_of(self, asset: PromotedAsset) -> Gate:
        return asset.gate or self.gate


def promotion_problems(
    promotions: tuple[Promotion | None, ...], entra_tenant_id: str | None, registry_name: str | None
) -> Iterator[Problem]:
    """Checks across promotions and against this stack's registry; items that could not be read are None."""
    promoted: dict[tuple[str, str, str], str] = {}
    for i, promotion in enumerate(promotions):
        if promotion is None:
            continue
        at = ("promotions", i)
        source = promotion.from_
        if source is not None and entra_tenant_id and source.entra_tenant_id == entra_tenant_id:
            yield Problem(
                join_path(*at, "from", "entraTenantId"),
                f"'{source.entra_tenant_id}' is this stack's own Entra tenant; within one Entra tenant assets "
                "move with share (sharing.share), which keeps the lineage without a copy; promotions are for "
                "a source registry in another Entra tenant",
            )
        if source is not None and registry_name and (source.registry or "").lower() == registry_name.lower():
            yield Problem(
                join_path(*at, "from", "registry"),
                f"'{source.registry}' is this stack's own registry; a promotion copies from another registry",
            )
        for a, asset in enumerate(promotion.assets or ()):
            if asset is None or asset.version is None:
                continue
            kinds = [kind for kind in PROMOTABLE_KINDS if getattr(asset, kind, None) is not None]
            if len(kinds) != 1:
                continue
            kind, name = kinds[0], getattr(asset, kinds[0])
            gate = asset.gate or promotion.gate
            if kind != "model" and gate is not None and gate.stage is not None and not gate.tags:
                where = (*at, "assets", a, "gate") if asset.gate else (*at, "gate")
                yield Problem(
                    join_path(*where),
                    f"gates {kind} '{name}' by stage alone, and only models have a stage; add tags "
                    "(such as {approved-for: prod}) or give this asset a gate of its own",
                )
            key = (kind, name.lower(), asset.version)
            here = join_path(*at, "assets", a)
            if key in promoted:
                yield Problem(
                    join_path(here, "version"),
                    f"{kind} '{name}' version '{asset.version}' is already promoted by {promoted[key]}; "
                    "promote each version once",
                )
            promoted.setdefault(key, here)
