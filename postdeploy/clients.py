"""One place that builds azure-ai-ml clients, so every call shares a credential and transport options.

``MLClient(credential, subscription_id, resource_group_name, workspace_name=...)`` for a workspace,
``MLClient(credential, registry_name=...)`` for the registry (its construction asks the registry
discovery service where the registry lives). Clients are built once per site and reused by all
threads: they hold no per-call state.

The SDK's own per-request retries are off (``retry_total=0``): every client sends through one
``postdeploy.retry.RetryingTransport`` around the real transport (or a test's), so backoff,
``Retry-After`` and the attempt budget live in one place, per HTTP request, and do not multiply.

Transport seam: some SDK paths build a second registry client through
``get_registry_client(credential, registry_name)`` without the caller's client options --
``models/data/environments.share`` and the default-deployment-template check that online and
batch deployments of a registry model run -- so a custom ``transport`` would not reach them.
When a transport is given, the factory wraps the credential in an object that carries the client
options, and routes ``get_registry_client`` (where it is defined and where it was imported by
name) through a wrapper that reads them back. With a plain credential the wrapper passes calls
through untouched. The same is done in production, so the attempt budget (``retry_total=0``) holds
for these paths too. Code uploads to the registry's storage use azure-storage-blob clients the SDK
builds from a SAS URL; ``_blob_storage_helper``'s two client classes are routed through the same
options.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from azure.ai.ml import MLClient
from azure.ai.ml._artifacts import _blob_storage_helper
from azure.ai.ml._utils import _registry_utils
from azure.ai.ml.operations import _data_operations, _environment_operations, _model_operations
from azure.core.credentials import AccessToken, AccessTokenInfo, TokenCredential
from azure.core.pipeline.transport import RequestsTransport
from azure.storage.blob import BlobServiceClient, ContainerClient

from postdeploy.retry import RetryingTransport, RetryPolicy
from postdeploy.targets import RegistrySite, WorkspaceCoordinates

# Where get_registry_client is looked up at call time without the caller's options.
_LOOKUP_MODULES = (_registry_utils, _model_operations, _data_operations, _environment_operations)
_seam_lock = threading.Lock()


def quiet_sdk_logging() -> None:
    """Keep the SDK's progress chatter ("Creating/updating ...", polling dots) off the terminal.

    azure-ai-ml gives its package logger, and a few module loggers of its own, an INFO stderr
    handler at import; post-deploy reports progress and results itself, so only the SDK's
    warnings and errors are worth showing.
    """
    for name in ["azure.ai.ml", *logging.Logger.manager.loggerDict]:
        if name.startswith("azure.ai.ml"):
            logging.getLogger(name).setLevel(logging.WARNING)
    # Its long-running-operation progress ("Creating/updating ... Done") is logged as a warning.
    logging.getLogger("azure.ai.ml._utils._endpoint_utils").setLevel(logging.ERROR)
    # So is a notice for every experimental class or method it touches, loading YAML included.
    logging.getLogger("azure.ai.ml._utils._experimental").setLevel(logging.ERROR)


class _CredentialWithClientOptions:
    """Delegates tokens to the real credential and carries the options share() would otherwise drop."""

    def __init__(self, credential: TokenCredential, client_options: dict[str, Any]) -> None:
        self._credential = credential
        self.client_options = client_options

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return self._credential.get_token(*scopes, **kwargs)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        if hasattr(self._credential, "get_token_info"):
            return self._credential.get_token_info(*scopes, options=options)
        token = self._credential.get_token(*scopes)
        return AccessTokenInfo(token.token, token.expires_on)


def _route_share_clients_through_options() -> None:
    with _seam_lock:
        for module in _LOOKUP_MODULES:
            original = module.get_registry_client
            if getattr(original, "_carries_client_options", False):
                continue

            def get_registry_client(credential: Any, registry_name: str, *args: Any,
                                    _original: Any = original, **kwargs: Any) -> Any:
                options = getattr(credential, "client_options", None) or {}
                return _original(credential, registry_name, *args, **{**options, **kwargs})

            get_registry_client._carries_client_options = True  # type: ignore[attr-defined]
            module.get_registry_client = get_registry_client


# What the blob clients of code uploads are built with; set by the latest ClientFactory. The SDK
# builds them from a SAS URL alone (no credential object to carry options), hence module state.
_blob_options: dict[str, Any] = {}


class _BlobServiceClientWithOptions(BlobServiceClient):
    def __init__(self, account_url: str, credential: Any = None, **kwargs: Any) -> None:
        super().__init__(account_url, credential=credential, **{**_blob_options, **kwargs})


class _ContainerClientWithOptions(ContainerClient):
    def __init__(self, account_url: str, container_name: str, credential: Any = None, **kwargs: Any) -> None:
        super().__init__(account_url, container_name, credential=credential, **{**_blob_options, **kwargs})


def _route_blob_clients_through_options(options: dict[str, Any]) -> None:
    """Code uploads (``code: ./src`` in a registry) use azure-storage-blob clients the SDK builds
    itself; give them the factory's transport and retry options."""
    with _seam_lock:
        _blob_options.clear()
        _blob_options.update({k: v for k, v in options.items() if k in ("transport", "retry_total")})
        _blob_storage_helper.BlobServiceClient = _BlobServiceClientWithOptions  # type: ignore[misc]
        _blob_storage_helper.ContainerClient = _ContainerClientWithOptions  # type: ignore[misc]


class ClientFactory:
    """Builds and caches ``MLClient`` objects for the registry and each workspace."""

    def __init__(
        self,
        credential: TokenCredential | None = None,
        *,
        transport: Any = None,
        retry: RetryPolicy | None = None,
        poll_sleep: Callable[[float], None] | None = None,
        **client_options: Any,
    ) -> None:
        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential()
        self.retry = retry or RetryPolicy()
        # Retries happen per request in this transport; the SDK's and storage's own are off.
        self.transport = RetryingTransport(transport or RequestsTransport(), self.retry, poll_sleep)
        options: dict[str, Any] = {**client_options, "retry_total": 0, "transport": self.transport}
        # In production too: without this, share() and the code upload would use azure-core's and
        # azure-storage-blob's own retries on top of post-deploy's, and the attempt budget would multiply.
        credential = _CredentialWithClientOptions(credential, options)
        _route_share_clients_through_options()
        _route_blob_clients_through_options(options)
        self.credential = credential
        self._options = {"show_progress": False, "enable_telemetry": False, **options}
        self._clients: dict[tuple[str, ...], MLClient] = {}
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._guard = threading.Lock()

    def registry(self, site: RegistrySite) -> MLClient:
        return self._cached(("registry", site.name),
                            lambda: MLClient(self.credential, registry_name=site.name, **self._options))

    def workspace(self, site: WorkspaceCoordinates, *, purpose: str = "") -> MLClient:
        """A workspace client; a ``purpose`` gets its own instance (see ``postdeploy.share``)."""
        return self._cached(
            ("workspace", site.subscription_id, site.resource_group, site.name, purpose),
            lambda: MLClient(self.credential, site.subscription_id, site.resource_group,
                             workspace_name=site.name, **self._options),
        )

    def _cached(self, key: tuple[str, ...], build: Any) -> MLClient:
        # One lock per key: threads wanting the same client wait for one construction (the
        # registry's makes a discovery call), threads wanting other clients do not.
        with self._guard:
            if key in self._clients:
                return self._clients[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._clients:
                client = build()
                with self._guard:
                    self._clients[key] = client
            return self._clients[key]
