"""One explicit azure-native provider per subscription, shared by everything in it."""

from __future__ import annotations

from collections.abc import Iterable

import pulumi
import pulumi_azure_native as azure_native


def subscription_providers(
    subscriptions: Iterable[str], entra_tenant_id: str
) -> dict[str, azure_native.Provider]:
    """Providers keyed by subscription id; the logical name is the subscription id, a stable key."""
    return {
        sub: azure_native.Provider(
            f"azure-{sub}",
            azure_native.ProviderArgs(subscription_id=sub, tenant_id=entra_tenant_id),
        )
        for sub in subscriptions
    }


def with_provider(provider: pulumi.ProviderResource, parent: pulumi.Resource, **extra) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, provider=provider, **extra)
