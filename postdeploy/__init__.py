"""Post-deploy: after ``pulumi up``, seed the registry and converge share / push / pull and the
retraining schedules with azure-ai-ml.

Entry points: ``postdeploy.cli.app`` (``python -m postdeploy plan|apply|share-back --stack dev``),
``postdeploy.plan.offline_plan(cfg)``, ``postdeploy.plan.inspect_plan(session)`` and
``postdeploy.apply.apply_plan(plan, session)``.
"""
