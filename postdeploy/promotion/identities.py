"""One identity per side of a promotion: the source tenant's reads, the target tenant's writes.

The target side is post-deploy's own credential (the one that seeds and shares in this stack's
registry); in a stack that promotes, it is asked for tokens of the stack's Entra tenant
(``target_credential``). The source side gets a credential of its own, issued by the source registry's Entra
tenant, and only the source reader ever holds it: the code that writes never sees it, and the
code that reads the source never sees the target credential.

Source credential, first match wins:

1. ``MLT_SOURCE_CLIENT_ID`` with ``MLT_SOURCE_FEDERATED_TOKEN_FILE``: workload identity federation
   (an app registration in the source tenant trusting the CI's OIDC token); no secret anywhere.
2. ``MLT_SOURCE_CLIENT_ID`` with ``MLT_SOURCE_CLIENT_SECRET`` (or
   ``MLT_SOURCE_CLIENT_CERTIFICATE_PATH``): a service principal of the source tenant.
3. Otherwise ``DefaultAzureCredential`` asked for tokens *of the source tenant* on every request
   (for a person signed in with ``az login`` who is a guest in both tenants).

The tenant always comes from config (``promotions[].from.entraTenantId``), never from the
environment, so a credential cannot silently read from another tenant than the one declared.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from azure.ai.ml import MLClient
from azure.core.credentials import AccessToken, AccessTokenInfo, TokenCredential

from postdeploy.clients import ClientFactory
from postdeploy.targets import RegistrySite
from stacks.promotion import SourceRegistry

ENV_CLIENT_ID = "MLT_SOURCE_CLIENT_ID"
ENV_SECRET = "MLT_SOURCE_CLIENT_SECRET"
ENV_CERTIFICATE = "MLT_SOURCE_CLIENT_CERTIFICATE_PATH"
ENV_TOKEN_FILE = "MLT_SOURCE_FEDERATED_TOKEN_FILE"


class TenantPinnedCredential:
    """Asks the wrapped credential for tokens of one Entra tenant, whatever its home tenant is."""

    def __init__(self, credential: Any, tenant_id: str) -> None:
        self._credential = credential
        self.tenant_id = tenant_id

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return self._credential.get_token(*scopes, **{**kwargs, "tenant_id": self.tenant_id})

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        token = self.get_token(*scopes)
        return AccessTokenInfo(token.token, token.expires_on)


def source_credential(tenant_id: str, environ: Mapping[str, str] | None = None) -> TokenCredential:
    """The credential that reads a source registry of this Entra tenant (see the module docstring)."""
    env = os.environ if environ is None else environ
    client_id = env.get(ENV_CLIENT_ID)
    if client_id and env.get(ENV_TOKEN_FILE):
        from azure.identity import WorkloadIdentityCredential

        return WorkloadIdentityCredential(tenant_id=tenant_id, client_id=client_id,
                                          token_file_path=env[ENV_TOKEN_FILE])
    if client_id and env.get(ENV_SECRET):
        from azure.identity import ClientSecretCredential

        return ClientSecretCredential(tenant_id, client_id, env[ENV_SECRET])
    if client_id and env.get(ENV_CERTIFICATE):
        from azure.identity import CertificateCredential

        return CertificateCredential(tenant_id, client_id, env[ENV_CERTIFICATE])
    from azure.identity import DefaultAzureCredential

    return TenantPinnedCredential(DefaultAzureCredential(additionally_allowed_tenants=[tenant_id]), tenant_id)


def target_credential(tenant_id: str) -> TokenCredential:
    """The target side's ``DefaultAzureCredential``, asked for tokens of this stack's Entra tenant.

    A person signed in to both tenants (``az login`` defaults to one of them) then writes to the
    target registry with a token of its tenant, never with one of the source's.
    """
    from azure.identity import DefaultAzureCredential

    return TenantPinnedCredential(DefaultAzureCredential(additionally_allowed_tenants=[tenant_id]), tenant_id)


class SourceClients:
    """Registry clients for source registries, one client factory (and credential) per source Entra tenant.

    ``credential_for(tenant_id)`` gives the source credential; ``client_options`` (a test's
    transport, for example) are the same as the target side's, so both sides go through one seam.
    """

    def __init__(self, credential_for: Callable[[str], TokenCredential] = source_credential,
                 **client_options: Any) -> None:
        self._credential_for = credential_for
        self._options = client_options
        self._factories: dict[str, ClientFactory] = {}
        self._lock = threading.Lock()

    def factory(self, tenant_id: str) -> ClientFactory:
        with self._lock:
            if tenant_id not in self._factories:
                self._factories[tenant_id] = ClientFactory(self._credential_for(tenant_id), **self._options)
            return self._factories[tenant_id]

    def credential(self, tenant_id: str) -> TokenCredential:
        """The source tenant's credential, for storage reads the registry leaves to one's own identity."""
        return self.factory(tenant_id).credential

    def registry(self, source: SourceRegistry) -> MLClient:
        site = RegistrySite(source.registry, source.subscription_id, source.resource_group)
        return self.factory(source.entra_tenant_id).registry(site)
