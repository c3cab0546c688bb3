"""The pack's rules, one module per kind of resource; ``policy.ruleset`` lists them all.

The modules import each other and ``stacks`` (roles, the access plan's description format) only;
this package's ``__init__`` imports nothing, so importing one rule module never loads the rest.
"""
