"""The pack as the engine runs it: its own process, spoken to over the analyzer gRPC protocol.

The language host runs the pack's directory with ``runpy.run_path``, so only ``policy/`` is on
``sys.path``; this starts it the same way, from another working directory, and stops it after.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from policy_kit import ENGINE_UNKNOWN, urn
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policy.rules.resource_types import CONTAINER_REGISTRY, ML_WORKSPACE, ROLE_ASSIGNMENT
from policy.ruleset import ALL
from stacks.access import format_description

PACK = Path(__file__).resolve().parents[2] / "policy"
OWNER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
SUB = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory):
    code = f"import runpy; runpy.run_path({str(PACK)!r}, run_name='__main__')"
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=tmp_path_factory.mktemp("elsewhere"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the pack did not report its port"
        port = proc.stdout.readline().decode().strip()
        assert port.isdigit(), proc.stderr.read().decode() if proc.poll() is not None else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def struct(value: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(value)
    return s


def policy_config(entry: str | dict) -> analyzer_pb2.PolicyConfig:
    """A --policy-pack-config entry as the CLI sends it to the pack."""
    entry = entry if isinstance(entry, dict) else {"enforcementLevel": entry}
    return analyzer_pb2.PolicyConfig(
        enforcementLevel=analyzer_pb2.EnforcementLevel.Value(entry["enforcementLevel"].upper()),
        properties=struct({k: v for k, v in entry.items() if k != "enforcementLevel"}),
    )


def test_the_pack_serves_every_rule(analyzer):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "ml-tenancy"
    assert {p.name for p in info.policies} == {p.name for p in ALL}


def test_resource_rules_run_on_engine_requests_with_unknowns(analyzer):
    props = {
        "principalId": ENGINE_UNKNOWN,
        "principalType": "ServicePrincipal",
        "roleDefinitionId": OWNER,
        "scope": f"/subscriptions/{SUB}",
        "roleAssignmentName": "0b4f6c1e-5d7a-5c3b-9e2f-1a2b3c4d5e6f",
        "description": format_description(["tenant1"], "identity of workspace ws1", ["test"]),
    }
    response = analyzer.Analyze(
        analyzer_pb2.AnalyzeRequest(
            type=ROLE_ASSIGNMENT, properties=struct(props), urn=urn(ROLE_ASSIGNMENT, "ra"), name="ra"
        )
    )
    found = {d.policyName: (d.enforcementLevel, d.message) for d in response.diagnostics}
    assert set(found) == {"role-assignment-no-privileged-roles", "role-assignment-allowed-roles"}
    level, message = found["role-assignment-no-privileged-roles"]
    assert level == analyzer_pb2.MANDATORY
    # The engine prints the rule's description, then the rule's message.
    assert message.splitlines()[1].startswith("grants Owner to identity of workspace ws1:")


def test_stack_rules_and_config_run_on_engine_requests(analyzer):
    config = json.loads((PACK / "config" / "prod.json").read_text())
    analyzer.Configure(
        analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={name: policy_config(entry) for name, entry in config.items()}
        )
    )
    acr_urn, ws_urn = urn(CONTAINER_REGISTRY, "acr"), urn(ML_WORKSPACE, "ws")
    resources = [
        analyzer_pb2.AnalyzerResource(
            type=CONTAINER_REGISTRY,
            urn=acr_urn,
            name="acr",
            properties=struct({"name": "crtenant1", "adminUserEnabled": True, "id": ENGINE_UNKNOWN}),
        ),
        analyzer_pb2.AnalyzerResource(
            type=ML_WORKSPACE,
            urn=ws_urn,
            name="ws",
            dependencies=[acr_urn],
            properties=struct(
                {
                    "name": "mlw",
                    "location": "westeurope",
                    "containerRegistry": ENGINE_UNKNOWN,
                    "publicNetworkAccess": "Enabled",
                    "tags": {"tenant": "tenant1"},
                }
            ),
            propertyDependencies={"containerRegistry": analyzer_pb2.AnalyzerPropertyDependencies(urns=[acr_urn])},
        ),
    ]
    response = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources))
    found = [(d.policyName, d.urn, d.message.splitlines()[-1]) for d in response.diagnostics]
    assert [f for f in found if f[0] != "diagnostic-settings-present"] == [
        ("workspace-own-container-registry", ws_urn, "container registry crtenant1 has the admin user enabled")
    ]
    # Neither resource sends its audit logs anywhere: the stack rule sees outputs, names both.
    assert sorted((f[0], f[1]) for f in found if f[0] == "diagnostic-settings-present") == sorted(
        [("diagnostic-settings-present", ws_urn), ("diagnostic-settings-present", acr_urn)]
    )

    response = analyzer.Analyze(
        analyzer_pb2.AnalyzeRequest(type=ML_WORKSPACE, properties=resources[1].properties, urn=ws_urn, name="ws")
    )
    levels = {d.policyName: d.enforcementLevel for d in response.diagnostics}
    assert levels["workspace-public-network-access"] == analyzer_pb2.MANDATORY  # raised by prod.json
