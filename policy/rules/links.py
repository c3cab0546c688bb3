"""Which resource a property points at, the way a stack policy can tell.

Under the offline preview and for resources that exist, ids are known and compared (ARM ids are
case-insensitive). For resources created in the same run a real preview knows no ids yet; what
the property depends on (``property_dependencies``, else the resource's dependencies) still
names the target. Outputs on a real engine lack path parameters such as ``resourceUri``, so a
child's parent is read from the child's own id when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pulumi_policy import PolicyResource

from policy.rules.arm import normalize
from policy.rules.values import get, text


def own_id(resource: PolicyResource) -> str | None:
    value = text(get(resource.props, "id"))
    return normalize(value) if value else None


@dataclass(frozen=True)
class Reference:
    """A property's value (a normalized ARM id) when known, and the resources it depends on."""

    value: str | None
    sources: frozenset[str]

    def names(self, target: PolicyResource, suffix: str = "") -> bool:
        target_id = own_id(target)
        if self.value is not None and target_id is not None:
            return self.value == target_id + suffix.lower()
        return target.urn in self.sources


def reference(resource: PolicyResource, prop: str, value: object, *, parent_of_own_id: str | None = None) -> Reference:
    """``value`` read from ``prop`` of ``resource``; ``parent_of_own_id`` ("/providers/microsoft.insights/
    diagnosticsettings/") recovers a path parameter from the resource's own id when the value is absent."""
    known = text(value)
    if known is None and parent_of_own_id is not None:
        mine = own_id(resource)
        if mine is not None and parent_of_own_id in mine:
            known = mine.rsplit(parent_of_own_id, 1)[0]
    deps = (resource.property_dependencies or {}).get(prop) or resource.dependencies or []
    return Reference(normalize(known) if known else None, frozenset(d.urn for d in deps))


def of_type(resources: Iterable[PolicyResource], resource_type: str) -> list[PolicyResource]:
    return [r for r in resources if r.resource_type == resource_type]


def label(resource: PolicyResource, *name_inputs: str) -> str:
    """A resource's Azure name for messages, else its logical name."""
    for key in (*name_inputs, "name"):
        name = text(get(resource.props, key))
        if name:
            return name
    return resource.name


def child_of(child: PolicyResource, parent: PolicyResource, *, name_input: str, parent_name_input: str,
             marker: str) -> bool:
    """Whether ``child`` (a blob service, a DNS zone group) belongs to ``parent``: by ids when both are
    known (``marker`` is the child's id segment after the parent's id), else by the parent name the child
    names (and resource group), else by what the child depends on."""
    ref = reference(child, name_input, None, parent_of_own_id=marker)
    parent_id = own_id(parent)
    if ref.value is not None and parent_id is not None:
        return ref.value == parent_id
    given = text(get(child.props, name_input))
    if given is not None:
        same_group = _same(get(child.props, "resourceGroupName"), get(parent.props, "resourceGroupName"))
        return given.lower() == label(parent, parent_name_input).lower() and same_group
    return parent.urn in ref.sources


def _same(a: object, b: object) -> bool:
    a, b = text(a), text(b)
    return a is None or b is None or a.lower() == b.lower()


BLOB_SERVICE_SUFFIX = "/blobServices/default"


class BlobServices:
    """The stack's blob services (``storage:BlobServiceProperties``), grouped by the account name they
    give (most do), so finding an account's services does not compare every service with every account."""

    def __init__(self, resources: Iterable[PolicyResource], resource_type: str) -> None:
        self.by_account: dict[str | None, list[PolicyResource]] = {}
        for service in of_type(resources, resource_type):
            name = text(get(service.props, "accountName"))
            self.by_account.setdefault(name.lower() if name else None, []).append(service)

    def of(self, account: PolicyResource) -> list[PolicyResource]:
        """The blob service resources of a storage account, in stack order."""
        name = text(get(account.props, "accountName"))
        if name is None:  # not known yet: the ids (or dependencies) of every service decide
            candidates = [s for group in self.by_account.values() for s in group]
        else:
            candidates = [*self.by_account.get(name.lower(), ()), *self.by_account.get(None, ())]
        return [
            service
            for service in candidates
            if child_of(service, account, name_input="accountName", parent_name_input="accountName",
                        marker=BLOB_SERVICE_SUFFIX.lower())
        ]
