"""The composition root: stack config in, the platform's resources out.

``program.config`` reads the stack config the way the Pulumi engine hands it over and checks
what needs the Azure ML SDK (retraining jobs); ``program.platform`` wires the components.
``__main__.py`` (what ``pulumi up`` runs) and the offline preview engine both call
``program.platform.deploy``, so the preview runs exactly the code ``pulumi up`` runs.

May import: ``stacks``, ``components``, ``postdeploy`` (the retraining check), pulumi and
azure-native. Nothing below it imports it; ``preview`` is the only layer above.
"""
