"""Legal but suspicious config: warned about on stderr, in review.md and in --json, never a failure."""

from __future__ import annotations

import copy
import json
import shutil

import yaml
from typer.testing import CliRunner

from preview.cli import app
from stacks.load import PROJECT_DIR, parse_config
from stacks.suspicious import config_warnings

runner = CliRunner()
OWNER = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"


def test_the_owner_as_a_member_is_a_warning(dev_raw):
    raw = copy.deepcopy(dev_raw)
    raw["tenants"][2]["members"].append({"objectId": OWNER, "type": "ServicePrincipal", "roles": ["dataScientist"]})
    warnings = config_warnings(parse_config(raw, environment="dev", project_dir=PROJECT_DIR))
    assert len(warnings) == 1
    assert warnings[0].startswith(f"tenants[2].members[1]: {OWNER} is the registry owner (sp-ml-platform-dev)")


def test_a_push_where_the_owner_has_no_role_is_a_warning(dev_raw):
    raw = copy.deepcopy(dev_raw)
    raw["tenants"][2]["ownerAccess"] = []  # tenant3 receives a push; tenants 1 and 2 share its subscription
    assert config_warnings(parse_config(raw, environment="dev", project_dir=PROJECT_DIR)) == (), \
        "the owner's Contributor on subscription A, for tenants 1 and 2, covers tenant3's workspace"
    for tenant in raw["tenants"][:3]:
        tenant["ownerAccess"] = ["workspace"] if tenant["key"] != "tenant3" else []
    warnings = config_warnings(parse_config(raw, environment="dev", project_dir=PROJECT_DIR))
    assert [w.split(":")[0] for w in warnings] == ["sharing.push[0]"]
    assert "into tenant3/ws1, where the registry owner has no role" in warnings[0]
    assert "(403)" in warnings[0]


def test_an_asset_changed_under_its_version_is_a_warning_in_the_change_set(tmp_path):
    base = tmp_path / "base"
    assert runner.invoke(app, ["preview", "-s", "dev", "-q", "--out", str(base)]).exit_code == 0
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR / "catalog", project / "catalog")
    shutil.copy(PROJECT_DIR / "Pulumi.dev.yaml", project / "Pulumi.dev.yaml")
    env = project / "catalog" / "environments" / "sklearn.yml"
    document = yaml.safe_load(env.read_text())
    document["image"] = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20250101"
    env.write_text(yaml.safe_dump(document, sort_keys=False))
    result = runner.invoke(app, ["preview", "-s", "dev", "--json", "--project-dir", str(project),
                                 "--out", str(tmp_path / "out"), "--against", str(base / "dev" / "preview.json")])
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["changes"]["catalog"] == [{"kind": "environments", "name": "sklearn-env", "version": "1",
                                             "change": "changed under the same version"}]
    assert any(w.startswith("catalog environments sklearn-env:1 (catalog/environments/sklearn.yml) changed under")
               for w in output["warnings"])
    review = (tmp_path / "out" / "dev" / "review.md").read_text()
    assert "post-deploy will block it: bump the version" in review
