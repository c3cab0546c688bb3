"""ComponentResources of the platform: the registry, a tenant and its workspaces, the access
wiring, one provider per subscription.

Each takes an args dataclass built from ``stacks`` types and registers its children with
``parent=self`` and names derived from stable keys. May import: ``stacks``, pulumi and
azure-native; never ``program``, ``postdeploy``, ``policy`` or ``preview``.
"""
