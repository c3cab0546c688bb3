"""The CLI: offline plan, apply against the fake with its exit codes, invalid stacks."""

from __future__ import annotations

from typer.testing import CliRunner

from postdeploy.cli import app
from postdeploy.clients import ClientFactory
from postdeploy.retry import RetryPolicy
from tests.fakeml import FakeCredential, Fault
from tests.postdeploy.conftest import FIXTURES, World

runner = CliRunner()


def cli_obj(world: World) -> dict:
    return {"project_dir": FIXTURES, "factory": ClientFactory(FakeCredential(), transport=world.fake,
                                         retry=RetryPolicy(sleep=world.sleeps.append, jitter=0))}


def test_offline_plan_prints_the_table_and_markdown_without_any_request() -> None:
    result = runner.invoke(app, ["plan", "--stack", "test", "--offline"], obj={"project_dir": FIXTURES})
    assert result.exit_code == 0, result.output
    assert "post-deploy plan for stack test" in result.output and "credit-online" in result.output
    result = runner.invoke(app, ["plan", "--stack", "test", "--offline", "--markdown"], obj={"project_dir": FIXTURES})
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "| target | kind | subject | action | reason |"


def test_apply_then_apply_again_through_the_cli(world: World) -> None:
    result = runner.invoke(app, ["apply", "--stack", "test", "--max-workers", "4"], obj=cli_obj(world))
    assert result.exit_code == 0, result.output
    assert "9 done, 2 unchanged, 0 failed" in result.output
    world.fake.clear_requests()
    result = runner.invoke(app, ["apply", "--stack", "test"], obj=cli_obj(world))
    assert result.exit_code == 0 and "0 done, 11 unchanged, 0 failed" in result.output
    assert world.fake.writes() == []


def test_apply_exits_non_zero_and_lists_each_failure_with_its_cause(world: World) -> None:
    world.fake.inject(Fault.forbidden("/workspaces/mlw-tenant3-ws1-test/", method="PUT"))
    result = runner.invoke(app, ["apply", "--stack", "test"], obj=cli_obj(world))
    assert result.exit_code == 1
    failures = [line for line in result.output.splitlines() if line.startswith("failed ")]
    assert len(failures) == 2
    assert all("tenant3/ws1" in line and "403 AuthorizationFailed" in line for line in failures)


def test_an_invalid_stack_exits_2_before_any_request(world: World) -> None:
    result = runner.invoke(app, ["plan", "--stack", "nope"], obj=cli_obj(world))
    assert result.exit_code == 2 and "does not exist" in result.output
    assert world.fake.requests == []
