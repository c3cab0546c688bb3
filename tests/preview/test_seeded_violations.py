"""Programs seeded with violations: the offline preview catches them under the right rule names."""

from __future__ import annotations

import copy

import pulumi
import pytest
from pulumi_azure_native import authorization, storage

from policy.offline import evaluate, has_mandatory
from preview.engine import run_program
from program.platform import Platform, build_platform, export_outputs
from stacks.roles import Role, role_definition_id

REGISTRY_SUB = "0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01"
GROUP_TENANT1 = "7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01"


def seeded(dev_raw, extra):
    def program(config):
        platform = build_platform(config)
        export_outputs(platform)
        extra(platform)

    graph = run_program(copy.deepcopy(dev_raw), "dev", program=program)
    return evaluate(graph.resources, stack="dev")


def assignment(platform: Platform, name: str, *, scope: str, principal, role: Role, **extra):
    return authorization.RoleAssignment(
        name,
        scope=scope,
        role_definition_id=role_definition_id(role, scope.split("/")[2]),
        principal_id=principal,
        **extra,
    )


def mandatory_rules(violations) -> set[str]:
    return {v.rule for v in violations if v.level == "mandatory"}


def test_the_program_as_written_has_no_mandatory_violation(dev_raw):
    assert not has_mandatory(seeded(dev_raw, lambda platform: None))


def test_a_second_grant_to_a_workspace_identity_is_a_duplicate(dev_raw):
    def extra(platform):
        ws = platform.workspaces["tenant2/ws1"].workspace
        assignment(
            platform,
            "extra-reader",
            scope=platform.topology.registry_id,
            principal=ws.identity.apply(lambda i: i.principal_id),
            role=Role.READER,
            principal_type="ServicePrincipal",
            role_assignment_name="9a0e3b8e-2d5c-4b1a-8f6e-3c2d1b0a9f8e",
        )

    found = [v for v in seeded(dev_raw, extra) if v.rule == "role-assignment-no-duplicates"]
    assert len(found) == 1 and found[0].level == "mandatory"
    # The twin sorting last by URN is reported, naming the other one.
    assert found[0].resource_name == "extra-reader"
    assert found[0].message.startswith("same principal, role and scope as workspace-identity-reader-")


def test_owner_is_never_granted(dev_raw):
    def extra(platform):
        assignment(
            platform,
            "owner-grant",
            scope=f"/subscriptions/{REGISTRY_SUB}",
            principal=GROUP_TENANT1,
            role=Role.OWNER,
            principal_type="Group",
            role_assignment_name="1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b",
        )

    rules = mandatory_rules(seeded(dev_raw, extra))
    assert {"role-assignment-no-privileged-roles", "role-assignment-allowed-roles"} <= rules


def test_a_member_on_another_tenants_workspace_breaks_isolation(dev_raw):
    def extra(platform):
        site = platform.topology.site("tenant2/ws1")
        assignment(
            platform,
            "cross-tenant",
            scope=site.workspace_id,
            principal=GROUP_TENANT1,
            role=Role.DATA_SCIENTIST,
            principal_type="Group",
            role_assignment_name="2c3d4e5f-6071-4829-8b3c-4d5e6f7a8b9c",
            description="ml-tenancy tenants=tenant1; principal=grp-tenant1-ds; why=seeded",
        )

    found = [v for v in seeded(dev_raw, extra) if v.rule == "role-assignment-tenant-isolation"]
    assert [(v.level, v.resource_name) for v in found] == [("mandatory", "cross-tenant")]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"allow_blob_public_access": True}, "storage-no-public-blob-access"),
        ({"minimum_tls_version": "TLS1_0"}, "storage-minimum-tls-1-2"),
        ({"enable_https_traffic_only": False}, "storage-https-only"),
    ],
)
def test_an_unsafe_storage_account_is_caught(dev_raw, changes, rule):
    def extra(platform):
        storage.StorageAccount(
            "loose-st",
            account_name="stloose0001",
            resource_group_name="rg-ml-tenant1-ws1-dev",
            kind="StorageV2",
            sku=storage.SkuArgs(name="Standard_LRS"),
            **{
                "minimum_tls_version": "TLS1_2",
                "enable_https_traffic_only": True,
                "allow_blob_public_access": False,
                **changes,
            },
            opts=pulumi.ResourceOptions(protect=True),
        )

    found = [v for v in seeded(dev_raw, extra) if v.rule == rule]
    assert [(v.level, v.resource_name) for v in found] == [("mandatory", "loose-st")]


def test_an_unprotected_storage_account_is_caught(dev_raw):
    def extra(platform):
        storage.StorageAccount(
            "unprotected-st",
            account_name="stunprot0001",
            resource_group_name="rg-ml-tenant1-ws1-dev",
            kind="StorageV2",
            sku=storage.SkuArgs(name="Standard_LRS"),
            minimum_tls_version="TLS1_2",
            enable_https_traffic_only=True,
            allow_blob_public_access=False,
        )

    found = [v for v in seeded(dev_raw, extra) if v.rule == "stateful-resources-protected"]
    assert [(v.level, v.resource_name) for v in found] == [("mandatory", "unprotected-st")]
