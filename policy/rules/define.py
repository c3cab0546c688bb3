"""Building policies whose checks never fail on a value that is unknown during preview.

Checks read properties through ``values.get``; if one indexes ``args.props`` directly and
hits an unknown value anyway, the guard here turns pulumi_policy's ``UnknownValueError``
into a passing check with a "known after apply" note instead of an engine diagnostic.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from policy.rules.pending import known_after_apply

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

ResourceCheck = Callable[[ResourceValidationArgs, ReportViolation], None]
StackCheck = Callable[[StackValidationArgs, ReportViolation], None]


def resource_rule(
    name: str,
    description: str,
    level: EnforcementLevel,
    types: Collection[str] | None,
    check: ResourceCheck,
    config_schema: PolicyConfigSchema | None = None,
) -> ResourceValidationPolicy:
    """A policy that runs ``check`` on resources of the given types only (None: on every resource)."""
    wanted = frozenset(types) if types is not None else None

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if wanted is not None and args.resource_type not in wanted:
            return
        try:
            check(args, report)
        except UnknownValueError as e:
            known_after_apply(".".join(e.props))

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=config_schema,
    )


def stack_rule(
    name: str,
    description: str,
    level: EnforcementLevel,
    check: StackCheck,
    config_schema: PolicyConfigSchema | None = None,
) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        try:
            check(args, report)
        except UnknownValueError as e:
            known_after_apply(".".join(e.props))

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=config_schema,
    )
