"""Post-deploy's newcomer cases through the real CLI: outputs of another stack, garbled or missing
outputs, --offline with --outputs, no credentials. One paragraph on stderr, the documented exit code,
no traceback, no request sent."""

from __future__ import annotations

import json

import pytest
from azure.identity import CredentialUnavailableError
from typer.testing import CliRunner

from postdeploy.cli import app
from postdeploy.clients import ClientFactory
from postdeploy.retry import RetryPolicy
from stacks.exit_codes import ExitCode
from tests.fakeml import FakeCredential
from tests.postdeploy.conftest import FIXTURES, World

runner = CliRunner()


def obj(world: World, credential=None) -> dict:
    return {"project_dir": FIXTURES, "factory": ClientFactory(credential or FakeCredential(), transport=world.fake),
            "retry": RetryPolicy(sleep=world.sleeps.append, jitter=0)}


def outputs_file(tmp_path, document) -> str:
    path = tmp_path / "outputs.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def assert_refused(result, world: World, code: ExitCode, *needles: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr
    assert world.fake.requests == [], "nothing is sent"


def test_outputs_of_another_stack_are_refused(tmp_path, world: World) -> None:
    prod = {"stack": "prod", "registry": {"name": "mlreg-prod"}, "workspaces": {}}
    result = runner.invoke(app, ["plan", "-s", "test", "--outputs", outputs_file(tmp_path, prod)], obj=obj(world))
    assert_refused(result, world, ExitCode.INVALID_INPUT, "outputs of stack 'prod', not 'test'")

    unnamed = {"registry": {"name": "mlreg-prod"}}
    result = runner.invoke(app, ["plan", "-s", "test", "--outputs", outputs_file(tmp_path, unnamed)], obj=obj(world))
    assert_refused(result, world, ExitCode.INVALID_INPUT, "names registry 'mlreg-prod'", "'mlreg-test'")


@pytest.mark.parametrize(
    ("document", "needle"),
    [("{garbled", "is not JSON (line 1"), ("[1, 2]", "not this project's stack outputs"),
     ({"registry": {"name": "mlreg-test"}, "workspaces": {"tenant9/ws1": {}}}, "tenant9/ws1")],
)
def test_garbled_outputs_are_refused(tmp_path, world: World, document, needle) -> None:
    result = runner.invoke(app, ["apply", "-s", "test", "--outputs", outputs_file(tmp_path, document)],
                           obj=obj(world))
    assert_refused(result, world, ExitCode.INVALID_INPUT, "--outputs", needle)


def test_missing_outputs_file_is_refused(tmp_path, world: World) -> None:
    missing = str(tmp_path / "nope.json")
    result = runner.invoke(app, ["plan", "-s", "test", "--outputs", missing], obj=obj(world))
    assert_refused(result, world, ExitCode.INVALID_INPUT, f"--outputs {missing}: the file does not exist")


def test_offline_refuses_outputs_it_would_ignore(tmp_path, world: World) -> None:
    good = outputs_file(tmp_path, {"stack": "test", "registry": {"name": "mlreg-test"}})
    result = runner.invoke(app, ["plan", "-s", "test", "--offline", "--outputs", good], obj=obj(world))
    assert_refused(result, world, ExitCode.INVALID_INPUT, "--offline", "--outputs", "would be ignored")


class NoCredential:
    def get_token(self, *scopes, **kwargs):
        raise CredentialUnavailableError(
            "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
            "Attempted credentials:\n\tEnvironmentCredential: EnvironmentCredential authentication unavailable.")


def test_no_credentials_is_one_line_and_its_own_exit_code(world: World) -> None:
    result = runner.invoke(app, ["plan", "-s", "test"], obj=obj(world, NoCredential()))
    assert_refused(result, world, ExitCode.NO_ACCESS, "no Azure credentials", "az login", "plan --offline")


def test_plan_json_and_quiet(world: World) -> None:
    result = runner.invoke(app, ["plan", "-s", "test", "--json"], obj=obj(world))
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["exitReason"] == "ok" and document["counts"]["create"] > 0
    assert {op["action"] for op in document["operations"]} <= {"create", "update", "skip", "blocked"}
    quiet = runner.invoke(app, ["plan", "-s", "test", "--offline", "--quiet"], obj={"project_dir": FIXTURES})
    assert quiet.exit_code == 0
    assert quiet.stdout.startswith("plan for stack test: ") and quiet.stdout.count("\n") == 1
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and "post-deploy" in version.stdout
