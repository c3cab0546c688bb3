"""The offline runner: the whole pack over a preview graph, with per-stack levels."""

from __future__ import annotations

import dataclasses

import pytest
from platform_graph import platform
from policy_kit import ENGINE_UNKNOWN, Node
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from policy import offline
from policy.offline import UNKNOWN, Note, Violation, evaluate, format_note, format_violation, has_mandatory, review
from policy.rules import resource_types as t

DEV = platform("dev")
PROD = platform("prod")
OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def changed(graph, name, **inputs):
    """The graph with one resource's inputs changed (None removes an input)."""
    out = []
    for node in graph:
        if node.name == name:
            merged = {k: v for k, v in {**node.inputs, **inputs}.items() if v is not None}
            node = dataclasses.replace(node, inputs=merged)
        out.append(node)
    return out


def by_rule(violations, rule):
    return [v for v in violations if v.rule == rule]


def test_the_offline_marker_is_the_preview_graphs():
    assert UNKNOWN == "<known after apply>"


def test_dev_platform_has_only_what_reviewers_should_see():
    owner_on_subscriptions = sorted(
        n.name
        for n in DEV
        if n.type == t.ROLE_ASSIGNMENT
        and n.inputs["roleDefinitionId"].endswith("b24988ac-6180-42a0-ab88-20f7382dd24c")
        and n.inputs["scope"].count("/") == 2
    )
    assert len(owner_on_subscriptions) == 2
    tenants = ("tenant1-ws1", "tenant2-ws1", "tenant3-ws1", "tenant4-ws1")

    def each(rule, suffix="", times=1):
        return [("advisory", rule, f"{t}{suffix}") for t in tenants for _ in range(times)]

    # Dev is public on purpose: what a private stack must close is advisory here, never mandatory.
    assert [(v.level, v.rule, v.resource_name) for v in evaluate(DEV, stack="dev")] == [
        *each("app-insights-local-auth-disabled", "-appi"),
        *each("app-insights-public-network-access", "-appi", times=2),
        *each("compute-no-node-public-ip", "-compute"),
        *each("container-registry-public-network-access", "-cr"),
        *each("key-vault-public-network-access", "-kv", times=2),  # and its firewall
        *[("advisory", "log-analytics-public-network-access", "mlreg-dev-audit-log")] * 2,
        *each("log-analytics-public-network-access", "-log", times=2),
        ("advisory", "registry-public-network-access", "mlreg-dev"),
        *(("advisory", "role-assignment-subscription-contributor", name) for name in owner_on_subscriptions),
        *each("storage-public-network-access", "-st", times=2),  # and its firewall
        *each("workspace-managed-network-isolation"),
        *each("workspace-public-network-access"),
    ]


def test_prod_platform_is_clean():
    assert evaluate(PROD, stack="prod") == []


def test_public_network_access_is_advisory_in_dev_and_mandatory_in_prod():
    graph = changed(PROD, "tenant1-ws1", publicNetworkAccess="Enabled")
    expected = "publicNetworkAccess is Enabled; set it to Disabled and use private endpoints"
    assert evaluate(graph, stack="prod") == [
        Violation("workspace-public-network-access", "mandatory", t.ML_WORKSPACE, "tenant1-ws1", expected)
    ]
    assert evaluate(graph, stack="dev") == [
        Violation("workspace-public-network-access", "advisory", t.ML_WORKSPACE, "tenant1-ws1", expected)
    ]


def test_given_config_replaces_the_stack_file_and_disabled_skips_the_rule():
    assert (
        by_rule(
            evaluate(DEV, stack="dev", config={"workspace-public-network-access": "disabled"}),
            "workspace-public-network-access",
        )
        == []
    )
    levels = {v.level for v in evaluate(DEV, stack="dev", config={"all": "mandatory"})}
    assert levels == {"mandatory"}
    # A policy's own entry wins over "all"; remediate is reported as mandatory, like the engine does.
    found = evaluate(
        DEV,
        stack="dev",
        config={"all": "disabled", "registry-public-network-access": {"enforcementLevel": "remediate"}},
    )
    assert [(v.rule, v.level) for v in found] == [("registry-public-network-access", "mandatory")]


def test_a_stack_without_a_config_file_uses_the_rules_own_levels():
    assert offline.load_config("no-such-stack") == {}
    assert {v.level for v in evaluate(DEV, stack="no-such-stack")} == {"advisory"}


def test_config_properties_reach_the_rule():
    """Without the description, only platformPrincipals tells the registry owner may span tenants."""
    owner_nodes = [
        n for n in DEV if n.type == t.ROLE_ASSIGNMENT and "principal=sp-ml-platform-dev" in n.inputs["description"]
    ]
    # The shared registry belongs to no tenant, so only the grants in tenants are reported.
    owner_grants = [n.name for n in owner_nodes if "/registries/" not in n.inputs["scope"]]
    graph = DEV
    for node in owner_nodes:
        graph = changed(graph, node.name, description=None)
    rule = "role-assignment-tenant-isolation"
    assert by_rule(evaluate(graph, stack="dev"), rule) == []  # dev.json lists the owner
    found = by_rule(evaluate(graph, stack="dev", config={}), rule)
    assert [v.resource_name for v in found] == sorted(owner_grants)
    assert found[0].message.endswith(
        "holds roles on scopes of tenant1, tenant2, tenant3, tenant4; only principals in platformPrincipals may span "
        "tenants"
    )


def test_a_privileged_grant_blocks_with_the_cli_format():
    ra = next(
        n
        for n in PROD
        if n.type == t.ROLE_ASSIGNMENT
        and n.inputs["scope"].count("/") > 2
        and "workspaces" in n.inputs["scope"]
        and n.inputs["principalId"] != UNKNOWN
    )
    owner_role = ra.inputs["roleDefinitionId"].rsplit("/", 1)[0] + "/" + OWNER_ROLE
    found = evaluate(changed(PROD, ra.name, roleDefinitionId=owner_role), stack="prod")
    assert has_mandatory(found)
    lines = [format_violation(v) for v in found]
    label = ra.inputs["description"].split("principal=")[1].split(";")[0]
    assert lines[0] == (
        f"[mandatory] role-assignment-allowed-roles ({t.ROLE_ASSIGNMENT}: {ra.name}) grants Owner, which is not on "
        "the allow-list: AcrPull, AzureML Compute Operator, AzureML Data Scientist, AzureML Registry User, "
        "Contributor, Reader, Storage Blob Data Reader"
    )
    assert lines[1] == (
        f"[mandatory] role-assignment-no-privileged-roles ({t.ROLE_ASSIGNMENT}: {ra.name}) grants Owner to {label}: "
        "it lets the principal grant access to others, and this project never grants Owner, Role Based Access "
        "Control Administrator, User Access Administrator"
    )


def test_violations_are_sorted_mandatory_first():
    graph = changed(DEV, "tenant2-ws1-st", minimumTlsVersion="TLS1_0")
    found = evaluate(graph, stack="dev")
    assert found[0] == Violation(
        "storage-minimum-tls-1-2",
        "mandatory",
        t.STORAGE_ACCOUNT,
        "tenant2-ws1-st",
        "minimumTlsVersion is TLS1_0; set it to TLS1_2",
    )
    assert not has_mandatory(found[1:])
    assert found == evaluate(list(reversed(graph)), stack="dev")


def test_stack_rules_find_subscriptions_through_the_provider():
    """A tenant member on a shared subscription: only the provider says which subscription a workspace is in."""
    member = next(
        n
        for n in DEV
        if n.type == t.ROLE_ASSIGNMENT
        and "workspaces" in n.inputs["scope"]
        and "principal=grp-tenant1-ds" in n.inputs["description"]
    )
    subscription = member.inputs["scope"].split("/resourceGroups/")[0]
    found = by_rule(
        evaluate(changed(DEV, member.name, scope=subscription), stack="dev"), "role-assignment-tenant-isolation"
    )
    assert [format_violation(v) for v in found] == [
        f"[mandatory] role-assignment-tenant-isolation ({t.ROLE_ASSIGNMENT}: {member.name}) grp-tenant1-ds acts for "
        f"tenant1 but gets AzureML Data Scientist on subscription {subscription.split('/')[-1]}, which belongs to "
        "tenant2, tenant3"
    ]


def test_values_known_after_apply_become_notes():
    result = review(changed(PROD, "tenant1-ws1-kv", properties=UNKNOWN), stack="prod")
    assert result.violations == ()
    vault_notes = [n for n in result.notes if n.resource_name == "tenant1-ws1-kv"]
    assert [format_note(n) for n in vault_notes] == [
        f"[info] key-vault-public-network-access ({t.KEY_VAULT}: tenant1-ws1-kv) properties.networkAcls.defaultAction "
        "is known after apply",
        f"[info] key-vault-public-network-access ({t.KEY_VAULT}: tenant1-ws1-kv) properties.publicNetworkAccess is "
        "known after apply",
        f"[info] key-vault-purge-protection ({t.KEY_VAULT}: tenant1-ws1-kv) properties.enablePurgeProtection is "
        "known after apply",
        f"[info] key-vault-rbac-authorization ({t.KEY_VAULT}: tenant1-ws1-kv) properties.enableRbacAuthorization "
        "is known after apply",
        f"[info] key-vault-soft-delete ({t.KEY_VAULT}: tenant1-ws1-kv) properties.enableSoftDelete is known "
        "after apply",
    ]
    assert not result.blocked


def test_a_rule_indexing_an_unknown_directly_passes_with_a_note():
    def direct(args, report):
        if args.props["scope"] == "x":  # raises UnknownValueError, as on the engine
            report("never")

    rule = ResourceValidationPolicy("direct", "Reads props directly.", direct, EnforcementLevel.MANDATORY)
    node = Node(t.ROLE_ASSIGNMENT, "ra", {"scope": ENGINE_UNKNOWN})
    result = review([node], stack="dev", policies=[rule])
    assert result.violations == ()
    assert result.notes == (Note("direct", t.ROLE_ASSIGNMENT, "ra", "scope is known after apply"),)


def test_stack_violations_without_a_resource_land_on_the_stack():
    def whole(args, report):
        report(f"{len(args.resources)} resources")

    rule = StackValidationPolicy("whole", "Counts resources.", whole, EnforcementLevel.ADVISORY)
    found = review(DEV, stack="dev", policies=[rule]).violations
    assert found == (Violation("whole", "advisory", "pulumi:pulumi:Stack", "ml-tenancy-dev", f"{len(DEV)} resources"),)
    found = review(DEV[1:], stack="dev", policies=[rule]).violations
    assert found[0].resource_type == "pulumi:pulumi:Stack" and found[0].resource_name == "dev"


def test_stack_resources_are_linked_like_the_engine_links_them():
    seen = {}

    def look(args, report):
        ws = next(r for r in args.resources if r.name == "tenant1-ws1" and r.resource_type == t.ML_WORKSPACE)
        seen["deps"] = sorted(d.resource_type for d in ws.dependencies)
        seen["provider"] = (ws.provider.resource_type, ws.provider.props["subscriptionId"])
        seen["protect"] = ws.opts.protect

    review(PROD, stack="prod", policies=[StackValidationPolicy("look", "Looks.", look)])
    assert seen == {
        "deps": sorted(
            [
                "azure-native:applicationinsights:Component",
                t.CONTAINER_REGISTRY,
                "azure-native:keyvault:Vault",
                "azure-native:resources:ResourceGroup",
                "azure-native:storage:StorageAccount",
            ]
        ),
        "provider": ("pulumi:providers:azure-native", "4a6c8e0b-2d4f-4a6c-8e0b-2d4f6a8c0e1a"),
        "protect": True,
    }


@pytest.mark.parametrize("level", ["mandatory", "advisory"])
def test_format_violation(level):
    v = Violation("storage-https-only", level, t.STORAGE_ACCOUNT, "st", "enableHttpsTrafficOnly is false; x")
    assert (
        format_violation(v) == f"[{level}] storage-https-only (azure-native:storage:StorageAccount: st) "
        "enableHttpsTrafficOnly is false; x"
    )
    assert has_mandatory([v]) is (level == "mandatory")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.level = "advisory"  # type: ignore[misc]


@dataclasses.dataclass(frozen=True)
class WithId(Node):
    id: str | None = None


def test_stack_rules_see_a_resources_id_like_engine_outputs():
    """The preview graph records each resource's ARM id; stack rules then know a workspace's subscription."""
    sub = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"
    ws_id = f"/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
    graph = [
        WithId(t.ML_WORKSPACE, "ws", {"workspaceName": "mlw", "tags": {"tenant": "tenant4"}}, id=ws_id),
        Node(
            t.ROLE_ASSIGNMENT,
            "ra",
            {
                "principalId": "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01",
                "roleDefinitionId": "x/f6c7c914-8db3-469d-8ca1-694a8f32e121",
                "scope": f"/subscriptions/{sub}",
                "description": "ml-tenancy tenants=tenant1; principal=grp; why=test",
            },
        ),
    ]
    found = review(
        graph, stack="dev", policies=[p for p in offline.ALL if p.name == "role-assignment-tenant-isolation"]
    )
    assert [v.message for v in found.violations] == [
        f"grp acts for tenant1 but gets AzureML Data Scientist on subscription {sub}, which belongs to tenant4"
    ]
