"""Per-tenant retraining: pipeline templates, schedule building and checks, next runs, share-back.

The public entry points are ``postdeploy.retraining.schedules`` (validate, build, preview the schedules),
``postdeploy.retraining.schedule_kind`` (the ``schedule`` kind that plan and apply run) and
``postdeploy.retraining.share_back`` (share a retrained model version to the registry).

Contract: modules here import the post-deploy layers below them (operations, targets, catalog,
context, session, kind) and ``stacks``; never the entry modules above (``postdeploy.plan``,
``apply``, ``kinds``, ``render``, ``cli``).
"""
