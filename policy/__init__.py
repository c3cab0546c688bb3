"""The ml-tenancy policy pack (CrossGuard): rules in ``policy.rules``, the list the pack registers
in ``policy.ruleset``, the offline runner in ``policy.offline``.

``policy/__main__.py`` is the pack's entry point for ``pulumi preview --policy-pack policy``. May
import: ``stacks`` (roles, the access plan's description format) and pulumi_policy; never
``components``, ``program``, ``postdeploy`` or ``preview``, so the pack runs in its own
environment with only what ``policy/requirements.txt`` installs.
"""
