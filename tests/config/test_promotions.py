"""Promotions in stack config: what is accepted, and bad blocks with their exact path."""

from __future__ import annotations

import copy

import pytest

from tests.config.helpers import ENTRA, JARGON, OTHER_ENTRA, SUB_A, edited, parse, problems_of, set_

SOURCE = {
    "registry": "mlreg-lab", "subscriptionId": SUB_A, "resourceGroup": "rg-mlreg-lab", "entraTenantId": OTHER_ENTRA,
}


def promotion(**overrides):
    block = {
        "from": dict(SOURCE),
        "gate": {"tags": {"approved-for": "prod"}},
        "assets": [
            {"model": "credit-card-default", "version": "2", "gate": {"stage": "Production"}},
            {"environment": "sklearn-env", "version": "1"},
        ],
    }
    block.update(copy.deepcopy(overrides))
    return block


def test_a_promotion_from_another_entra_tenant_is_read_with_its_gates(project_dir):
    config = parse(edited(set_("promotions", [promotion(targetVersion="next")])), project_dir)
    (read,) = config.promotions
    assert read.from_.registry == "mlreg-lab" and read.from_.entra_tenant_id == OTHER_ENTRA
    assert read.target_version == "next"
    model, environment = read.assets
    assert (model.asset_kind, model.asset_name, model.version) == ("model", "credit-card-default", "2")
    assert read.gate_of(model).stage == "Production" and read.gate_of(model).tags == {}
    assert read.gate_of(environment).tags == {"approved-for": "prod"}
    assert read.from_.arm_id.endswith("/resourceGroups/rg-mlreg-lab/providers/Microsoft.MachineLearningServices/"
                                      "registries/mlreg-lab")


def test_no_promotions_is_the_default(project_dir):
    assert parse(edited(), project_dir).promotions == ()


BAD = [
    pytest.param(promotion(**{"from": {**SOURCE, "entraTenantId": ENTRA}}), "promotions[0].from.entraTenantId",
                 "within one Entra tenant assets move with share", id="same-entra-tenant"),
    pytest.param(promotion(gate={}), "promotions[0].gate", "names no condition", id="gate-without-condition"),
    pytest.param(promotion(gate={"stage": "Production"}), "promotions[0].gate", "only models have a stage",
                 id="stage-gate-on-an-environment"),
    pytest.param(promotion(assets=[{"model": "m", "environment": "e", "version": "1"}]), "promotions[0].assets[0]",
                 "names 2 assets (model, environment)", id="asset-names-two-kinds"),
    pytest.param(promotion(assets=[{"model": "m", "version": "1"}, {"model": "m", "version": "1"}]),
                 "promotions[0].assets[1].version", "is already promoted by promotions[0].assets[0]",
                 id="asset-promoted-twice"),
    pytest.param(promotion(assets=[]), "promotions[0].assets", "list at least one asset version",
                 id="no-assets"),
    pytest.param(promotion(targetVersion="latest"), "promotions[0].targetVersion", "allowed: source, next",
                 id="target-version-unknown"),
    pytest.param(promotion(assets=[{"model": "m", "version": "latest"}]), "promotions[0].assets[0].version",
                 "'latest' is a label, not a version", id="unpinned-version"),
    pytest.param(promotion(**{"from": {k: v for k, v in SOURCE.items() if k != "entraTenantId"}}),
                 "promotions[0].from.entraTenantId", "is required", id="source-tenant-missing"),
]


@pytest.mark.parametrize(("block", "path", "says"), BAD)
def test_a_bad_promotion_names_its_path_and_what_is_allowed(block, path, says, project_dir):
    problems = problems_of(edited(set_("promotions", [block])), project_dir)
    assert [p.path for p in problems] == [path], "\n".join(map(str, problems))
    assert says in problems[0].message
    assert not JARGON.search(problems[0].message)


def test_promotions_must_be_a_list(project_dir):
    (problem,) = problems_of(edited(set_("promotions", promotion())), project_dir)
    assert problem.path == "promotions"
    assert problem.message.startswith("must be a list of promotion blocks")


def test_a_promotion_from_this_stacks_own_registry_is_refused(project_dir):
    block = promotion(**{"from": {**SOURCE, "registry": "mlreg-dev"}})
    raw = edited(set_("promotions", [block]))
    (problem,) = problems_of(raw, project_dir)
    assert problem.path == "promotions[0].from.registry"
    assert "this stack's own registry" in problem.message


def test_the_prod_stack_promotes_the_dev_story_across_entra_tenants():
    from stacks.load import load_stack_file

    dev, prod = load_stack_file("dev"), load_stack_file("prod")
    (promoted,) = prod.promotions
    assert promoted.from_.registry == dev.registry.name
    assert promoted.from_.entra_tenant_id == dev.entra_tenant_id != prod.entra_tenant_id
    assert {(a.asset_kind, a.asset_name, a.version) for a in promoted.assets} == {
        ("model", "credit-card-default", "2"), ("environment", "sklearn-env", "1"), ("component", "train_tabular", "1"),
    }
