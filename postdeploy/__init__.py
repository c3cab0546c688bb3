"""Post-deploy: after ``pulumi up``, seed the registry and converge share / push / pull and the
retraining schedules with azure-ai-ml.

Layers, bottom to top; a module imports only from the layers below it:

1. ``operations`` -- the vocabulary: ``Target``, ``Action``, ``Operation``, ``Plan``, apply outcomes.
2. ``targets`` (workspace and registry coordinates), ``catalog`` (the one catalog reader),
   ``retry``, ``clients``.
3. ``context`` (the desired state, built once per run) and ``session`` (a run against Azure).
4. ``kind`` -- ``Kind[SpecT, DetailT]``, the typed extension point.
5. The kinds: ``seed``, ``share``, ``push``, ``pull``, ``retraining.schedule_kind``; retraining's
   own modules live in ``retraining/`` and never import the layers above this one.
6. ``kinds`` (the registry of kinds), ``plan`` (offline / inspect), ``apply``, ``render``.
7. ``cli`` -- imports only typer and the standard library until a command runs.

Entry points: ``postdeploy.cli.app`` (``python -m postdeploy plan|apply|share-back --stack dev``),
``postdeploy.plan.offline_plan(cfg)``, ``postdeploy.plan.inspect_plan(session)``,
``postdeploy.apply.apply_plan(plan, session)`` and ``postdeploy.retraining.schedules``.
"""
