"""Role assignment rules: which roles, how each assignment is written, no duplicates.

Reviewers read every role assignment of a preview; these rules encode what they look for.
Roles are recognised by the GUID the role definition id ends in (built-in GUIDs are the same
in every Entra tenant), so the subscription part of the id does not matter.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, StackValidationArgs

from policy.rules.arm import is_guid, normalize, parse
from policy.rules.assignments import principal_key, principal_label, role_label, role_of
from policy.rules.define import ADVISORY, MANDATORY, resource_rule, stack_rule
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import ROLE_ASSIGNMENT
from policy.rules.values import MISSING, UNKNOWN, get, show_value, text
from stacks.roles import GRANTABLE_ROLES, PRIVILEGED_ROLES, ROLE_GUIDS, Role

_PRIVILEGED_GUIDS = frozenset(ROLE_GUIDS[r] for r in PRIVILEGED_ROLES)
_GRANTABLE_GUIDS = frozenset(ROLE_GUIDS[r] for r in GRANTABLE_ROLES)
_PRIVILEGED_NAMES = ", ".join(sorted(str(r) for r in PRIVILEGED_ROLES))
_GRANTABLE_NAMES = ", ".join(sorted(str(r) for r in GRANTABLE_ROLES))
# Azure's PrincipalType values; anything else is rejected by the service.
_PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal", "ForeignGroup", "Device", "AgentUser")


def _known_role(args: ResourceValidationArgs) -> str | None:
    role = role_of(args.props)
    if role is UNKNOWN:
        known_after_apply("roleDefinitionId")
        return None
    return None if role is MISSING else role


def _no_privileged_roles(args: ResourceValidationArgs, report: ReportViolation) -> None:
    role = _known_role(args)
    if role in _PRIVILEGED_GUIDS:
        report(
            f"grants {role_label(role)} to {principal_label(args.props)}: it lets the principal grant "
            f"access to others, and this project never grants {_PRIVILEGED_NAMES}"
        )


def _allowed_roles(args: ResourceValidationArgs, report: ReportViolation) -> None:
    role = _known_role(args)
    if role is None:
        if get(args.props, "roleDefinitionId") is MISSING:
            report("roleDefinitionId is not set")
        return
    if not is_guid(role):
        report(f"roleDefinitionId '{role}' does not end in a role definition GUID")
    elif role not in _GRANTABLE_GUIDS:
        report(f"grants {role_label(role)}, which is not on the allow-list: {_GRANTABLE_NAMES}")


def _subscription_contributor(args: ResourceValidationArgs, report: ReportViolation) -> None:
    role = _known_role(args)
    if role != ROLE_GUIDS[Role.CONTRIBUTOR]:
        return
    scope = get(args.props, "scope")
    if scope is UNKNOWN:
        known_after_apply("scope")
        return
    arm = parse(scope) if text(scope) else None
    if arm is not None and arm.is_subscription:
        report(
            f"grants Contributor on the whole subscription {arm.subscription} to "
            f"{principal_label(args.props)}; the reference design asks for it (ownerAccess: subscription), "
            "ownerAccess: [workspace] keeps it to the workspace"
        )


def _principal_type(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "principalType")
    if value is UNKNOWN:
        known_after_apply("principalType")
    elif value is MISSING:
        report(
            "principalType is not set: Azure then assumes User, and an assignment to a new "
            "managed identity can fail with PrincipalNotFound"
        )
    elif value not in _PRINCIPAL_TYPES:
        report(f"principalType '{show_value(value)}' is not one of {', '.join(_PRINCIPAL_TYPES)}")


def _guid_name(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "roleAssignmentName")
    if value is UNKNOWN:
        known_after_apply("roleAssignmentName")
    elif value is MISSING:
        report(
            "roleAssignmentName is not set: the provider would pick a random name; use a "
            "deterministic GUID (uuid5 of scope, principal and role)"
        )
    elif not (isinstance(value, str) and is_guid(value)):
        report(f"roleAssignmentName '{show_value(value)}' is not a GUID")


def _no_duplicates(args: StackValidationArgs, report: ReportViolation) -> None:
    by_grant: dict[tuple[str, str, str], str] = {}
    by_name: dict[tuple[str, str], str] = {}
    # Registration order varies from run to run; URN order makes the reported twin stable.
    for resource in sorted(args.resources, key=lambda r: r.urn):
        if resource.resource_type != ROLE_ASSIGNMENT:
            continue
        props = resource.props
        if get(props, "principalId") is MISSING:
            continue
        principal, role, scope = principal_key(resource), role_of(props), get(props, "scope")
        pending = [
            what
            for what, value in (("principalId", principal), ("roleDefinitionId", role), ("scope", scope))
            if value is None or value is UNKNOWN
        ]
        if pending:
            known_after_apply(" and ".join(pending), resource.urn)
            continue
        if role is MISSING or scope is MISSING:
            continue
        scope_key = normalize(show_value(scope))
        grant = (principal, role, scope_key)
        if grant in by_grant:
            report(
                f"same principal, role and scope as {by_grant[grant]}: Azure rejects the second "
                "assignment with RoleAssignmentExists",
                resource.urn,
            )
            continue
        by_grant[grant] = resource.name
        # Engine outputs carry the assignment's name as `name`, inputs as `roleAssignmentName`.
        name = text(get(props, "roleAssignmentName")) or text(get(props, "name"))
        if name is None:
            continue
        named = (scope_key, name.lower())
        if named in by_name:
            report(
                f"roleAssignmentName {name} is already used at this scope by {by_name[named]}: "
                "an existing assignment cannot be re-pointed to another principal or role",
                resource.urn,
            )
        else:
            by_name[named] = resource.name


NO_PRIVILEGED_ROLES = resource_rule(
    "role-assignment-no-privileged-roles",
    "Role assignments never grant Owner, User Access Administrator or Role Based Access Control Administrator.",
    MANDATORY,
    [ROLE_ASSIGNMENT],
    _no_privileged_roles,
)
ALLOWED_ROLES = resource_rule(
    "role-assignment-allowed-roles",
    "Role assignments grant only the roles this project hands out (stacks.roles.GRANTABLE_ROLES).",
    MANDATORY,
    [ROLE_ASSIGNMENT],
    _allowed_roles,
)
SUBSCRIPTION_CONTRIBUTOR = resource_rule(
    "role-assignment-subscription-contributor",
    "Contributor on a whole subscription is shown to reviewers even where the design asks for it.",
    ADVISORY,
    [ROLE_ASSIGNMENT],
    _subscription_contributor,
)
PRINCIPAL_TYPE = resource_rule(
    "role-assignment-principal-type",
    "Role assignments state the principal type explicitly.",
    MANDATORY,
    [ROLE_ASSIGNMENT],
    _principal_type,
)
GUID_NAME = resource_rule(
    "role-assignment-guid-name",
    "Role assignments have a deterministic GUID name (roleAssignmentName).",
    MANDATORY,
    [ROLE_ASSIGNMENT],
    _guid_name,
)
NO_DUPLICATES = stack_rule(
    "role-assignment-no-duplicates",
    "No two role assignments give the same principal the same role on the same scope.",
    MANDATORY,
    _no_duplicates,
)

RULES = [NO_PRIVILEGED_ROLES, ALLOWED_ROLES, SUBSCRIPTION_CONTRIBUTOR, PRINCIPAL_TYPE, GUID_NAME, NO_DUPLICATES]
