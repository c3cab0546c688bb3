"""Derived names: always inside Azure's rules, stable for the same inputs, distinct across deployments.

Azure's rules are written out here on their own rather than taken from ``stacks.naming``, so a
mistake in a rule there cannot hide the same mistake in the names it derives.
"""

from __future__ import annotations

import re
import string
import uuid

from hypothesis import assume, given
from hypothesis import strategies as st

from stacks.fields import TENANT_KEY, WORKSPACE_KEY
from stacks.naming import (
    COMPUTE_NAME,
    KEY_VAULT_NAME,
    WorkspaceNames,
    role_assignment_name,
    short_hash,
)

tenant_keys = st.from_regex(TENANT_KEY, fullmatch=True)
workspace_keys = st.from_regex(WORKSPACE_KEY, fullmatch=True)
environments = st.from_regex(r"[a-z0-9][a-z0-9-]{0,19}", fullmatch=True)
subscriptions = st.uuids().map(str)
ASCII = string.ascii_letters + string.digits + "-_./"  # what keys, GUIDs and scopes are made of


def storage_account_ok(name: str) -> bool:
    return re.fullmatch(r"[a-z0-9]{3,24}", name) is not None


def key_vault_ok(name: str) -> bool:
    return (
        re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]", name) is not None and "--" not in name
    )


def container_registry_ok(name: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9]{5,50}", name) is not None


def derive(tenant: str, workspace: str, subscription: str, environment: str) -> WorkspaceNames:
    return WorkspaceNames.derive(
        environment=environment, tenant=tenant, workspace=workspace, subscription_id=subscription
    )


@given(tenant_keys, workspace_keys, subscriptions, environments)
def test_globally_unique_names_always_satisfy_azure_rules(tenant, workspace, subscription, environment):
    names = derive(tenant, workspace, subscription, environment)

    assert storage_account_ok(names.storage_account), names.storage_account
    assert key_vault_ok(names.key_vault), names.key_vault
    assert container_registry_ok(names.container_registry), names.container_registry
    assert names.problems()["key"] == []


def test_the_longest_keys_still_give_valid_names_at_the_length_limits():
    names = derive("t" * 20, "w" * 12, str(uuid.UUID(int=0)), "production")

    assert len(names.storage_account) == 24 and storage_account_ok(names.storage_account)
    assert len(names.key_vault) == 24 and key_vault_ok(names.key_vault)
    assert container_registry_ok(names.container_registry)


@given(tenant_keys, workspace_keys, subscriptions, environments)
def test_the_same_inputs_always_give_the_same_names(tenant, workspace, subscription, environment):
    assert derive(tenant, workspace, subscription, environment) == derive(
        tenant, workspace, subscription.upper(), environment
    )


def _unique_names(names: WorkspaceNames) -> tuple[str, str, str]:
    return names.storage_account, names.key_vault, names.container_registry


@given(tenant_keys, workspace_keys, subscriptions, subscriptions, environments)
def test_names_differ_across_subscriptions(tenant, workspace, sub_a, sub_b, environment):
    assume(sub_a != sub_b)
    a = _unique_names(derive(tenant, workspace, sub_a, environment))
    b = _unique_names(derive(tenant, workspace, sub_b, environment))
    assert all(x != y for x, y in zip(a, b, strict=True))


@given(tenant_keys, workspace_keys, subscriptions, environments, environments)
def test_names_differ_across_environments(tenant, workspace, subscription, env_a, env_b):
    assume(env_a != env_b)
    a = _unique_names(derive(tenant, workspace, subscription, env_a))
    b = _unique_names(derive(tenant, workspace, subscription, env_b))
    assert all(x != y for x, y in zip(a, b, strict=True))


@given(tenant_keys, workspace_keys, tenant_keys, workspace_keys, subscriptions, environments)
def test_names_differ_across_workspaces_even_when_the_keys_run_together(t1, w1, t2, w2, subscription, environment):
    # tenant "ab" + workspace "c" and tenant "a" + workspace "bc" share a slug; the hash tells them apart.
    assume((t1, w1) != (t2, w2))
    a = _unique_names(derive(t1, w1, subscription, environment))
    b = _unique_names(derive(t2, w2, subscription, environment))
    assert all(x != y for x, y in zip(a, b, strict=True))


@given(st.lists(st.text(ASCII, min_size=1, max_size=12), min_size=1, max_size=4), st.integers(4, 16))
def test_short_hash_is_lowercase_hex_of_the_requested_length_and_ignores_case(parts, length):
    value = short_hash(*parts, length=length)
    assert re.fullmatch(f"[0-9a-f]{{{length}}}", value)
    assert short_hash(*(p.upper() for p in parts), length=length) == value


@given(subscriptions, st.uuids().map(str), st.uuids().map(str))
def test_role_assignment_names_are_stable_guids_independent_of_case(subscription, principal, role):
    scope = f"/subscriptions/{subscription}/resourceGroups/rg-ml"
    name = role_assignment_name(scope, principal, role)

    assert str(uuid.UUID(name)) == name
    assert role_assignment_name(scope.upper(), principal.upper(), role) == name
    assert role_assignment_name(scope, principal, role) != role_assignment_name(scope + "-other", principal, role)


@given(st.text(alphabet="abcXYZ019-_.", max_size=20))
def test_compute_rule_accepts_exactly_azure_compute_names(name):
    azure_ok = re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,14}[A-Za-z0-9]", name) is not None
    assert (COMPUTE_NAME.problems(name) == []) == azure_ok


@given(st.text(alphabet="abcXYZ019-_", max_size=30))
def test_key_vault_rule_accepts_exactly_azure_key_vault_names(name):
    assert (KEY_VAULT_NAME.problems(name) == []) == key_vault_ok(name)
