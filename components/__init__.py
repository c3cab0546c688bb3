"""ComponentResources of the platform: registry, tenant workspaces, access wiring, providers."""
