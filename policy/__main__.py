"""Entry point of the policy pack: ``pulumi preview --policy-pack policy``.

Constructing ``PolicyPack`` starts the analyzer server and blocks, so this is the only place
that does it; the rules live in ``policy.rules``. The engine runs this file by path, which
puts only ``policy/`` on ``sys.path``; the project root is added so the rules can import
``policy.rules`` and the project's ``stacks`` package.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from policy.ruleset import ALL

PolicyPack(
    name="ml-tenancy",
    description="Role-assignment review and security baseline for the ml-tenancy platform.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=ALL,
)
