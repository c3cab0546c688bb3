"""The ml-tenancy policy pack: rules in ``policy.rules``, the offline runner in ``policy.offline``.

``policy/__main__.py`` is the pack's entry point for ``pulumi preview --policy-pack policy``.
"""
