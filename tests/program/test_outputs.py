"""Stack outputs read by the post-deploy step and by people."""


def test_registry_outputs(dev_graph):
    reg = dev_graph.outputs["registry"]
    assert reg["name"] == "mlreg-dev"
    assert reg["regions"] == ["westeurope", "northeurope", "eastus"]
    assert reg["id"].endswith("/registries/mlreg-dev")
    assert reg["discoveryUrl"] == "<known after apply>"


def test_workspace_outputs(dev_graph):
    workspaces = dev_graph.outputs["workspaces"]
    assert sorted(workspaces) == ["tenant1/ws1", "tenant2/ws1", "tenant3/ws1", "tenant4/ws1"]
    ws4 = workspaces["tenant4/ws1"]
    assert ws4["name"] == "mlw-tenant4-ws1-dev"
    assert ws4["subscriptionId"] == "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"
    assert ws4["resourceGroup"] == "rg-ml-tenant4-ws1-dev"
    assert ws4["region"] == "eastus"
    assert ws4["principalId"] == "<known after apply>"
    assert ws4["id"].endswith("/workspaces/mlw-tenant4-ws1-dev")


def test_role_assignment_outputs_match_registered_assignments(dev_graph):
    listed = dev_graph.outputs["roleAssignments"]
    registered = dev_graph.of_type("azure-native:authorization:RoleAssignment")
    assert sorted(a["name"] for a in listed) == sorted(r.inputs["roleAssignmentName"] for r in registered)
    owner_sub = [a for a in listed if a["role"] == "Contributor" and a["scope"].count("/") == 2]
    assert {a["principal"] for a in owner_sub} == {"sp-ml-platform-dev"}


def test_outputs_name_their_stack(dev_graph, prod_graph):
    # post-deploy compares it with --stack before acting on an outputs file
    assert dev_graph.outputs["stack"] == "dev"
    assert prod_graph.outputs["stack"] == "prod"
