"""Several Entra tenants in front of the fake Azure ML service: tokens name their tenant, resources theirs.

Each Entra tenant is a ``FakeAzureML`` of its own (its registries, workspaces, requests);
``EntraTenants`` is the one transport both sides of a promotion send through, and, like Azure,
answers a token issued by another tenant than the one the subscription (or registry) belongs to
with 401 ``InvalidAuthenticationTokenTenant`` -- before the request reaches any state::

    tenants = EntraTenants()
    dev = tenants.add_tenant(DEV_TENANT)      # a FakeAzureML
    dev.add_registry("mlreg-dev", subscription_id=..., resource_group=...)
    reader = TenantCredential(DEV_TENANT, name="sp-promote-reader")
    client = MLClient(reader, registry_name="mlreg-dev", transport=tenants, retry_total=0)

``tenants.calls`` records, for every request, whose token it carried (tenant, object id) and which
tenant owns what it addressed, so tests can say "the source credential never wrote" and "the
target credential never reached the source" directly.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo

from tests.fakeml.blobs import BLOB_HOST_SUFFIX
from tests.fakeml.records import MFE_PREFIX, split_url
from tests.fakeml.responses import build_response, error_body
from tests.fakeml.transport import FakeAzureML, InMemoryTransport

_DISCOVERY = re.compile(r"^/registrymanagement/v1\.0/registries/(?P<name>[^/]+)/discovery$", re.IGNORECASE)
# Status URLs of long-running operations name no registry: they belong to the tenant that started them.
_OPERATION = re.compile(r"/(?:mfeOperationsStatus|mfeOperationResults)/(?P<id>[^/?]+)$", re.IGNORECASE)
_SCOPE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/"
    r"Microsoft\.MachineLearningServices/(?P<scope>registries|workspaces)/(?P<name>[^/]+)",
    re.IGNORECASE,
)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class TenantCredential:
    """A credential of one Entra tenant: its tokens are JWT-shaped (unsigned) with ``tid`` and ``oid``.

    ``tokens`` lists the tenant each token was asked for (the ``tenant_id`` keyword, if any).
    """

    def __init__(self, tenant_id: str, *, name: str, object_id: str | None = None) -> None:
        self.tenant_id = tenant_id
        self.name = name
        self.object_id = object_id or str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.{tenant_id}"))
        self.tokens: list[str | None] = []

    def _token(self, tenant_id: str | None) -> str:
        self.tokens.append(tenant_id)
        claims = {"tid": self.tenant_id, "oid": self.object_id, "appid": self.name,
                  "iss": f"https://sts.windows.net/{self.tenant_id}/"}
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.fake"

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self._token(kwargs.get("tenant_id")), int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        return AccessTokenInfo(self._token((options or {}).get("tenant_id")), int(time.time()) + 3600)


def token_claims(request: Any) -> dict[str, Any]:
    header = request.headers.get("Authorization") or ""
    if not header.startswith("Bearer "):
        return {}
    try:
        payload = header.removeprefix("Bearer ").split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


@dataclass(frozen=True)
class TenantCall:
    """One request: whose token it carried, which tenant owns what it addressed, and the answer."""

    token_tenant: str | None
    principal: str | None
    owner_tenant: str | None
    method: str
    path: str
    api_version: str | None
    status: int

    @property
    def resource_path(self) -> str:
        return self.path.split(MFE_PREFIX, 1)[-1]


class EntraTenants(InMemoryTransport):
    def __init__(self) -> None:
        self.tenants: dict[str, FakeAzureML] = {}
        self.calls: list[TenantCall] = []
        self._lock = threading.Lock()

    def add_tenant(self, tenant_id: str) -> FakeAzureML:
        return self.tenants.setdefault(tenant_id.lower(), FakeAzureML())

    def tenant(self, tenant_id: str) -> FakeAzureML:
        return self.tenants[tenant_id.lower()]

    # --- HttpTransport --------------------------------------------------------------------------
    def send(self, request: Any, **kwargs: Any) -> Any:
        host, path, query = split_url(request.url)
        if host.endswith(BLOB_HOST_SUFFIX):
            return self._send_blob(request, host, path, query, **kwargs)
        claims = token_claims(request)
        token_tenant = (claims.get("tid") or "").lower() or None
        owner = self._owner(path.split(MFE_PREFIX, 1)[-1])
        if owner is None:
            status = 404
            response = build_response(request, 404, error_body("ResourceNotFound", f"{path} was not found"))
        elif token_tenant != owner:
            status, response = 401, build_response(
                request, 401,
                error_body("InvalidAuthenticationTokenTenant",
                           f"The access token is from the wrong issuer 'https://sts.windows.net/{token_tenant}/'. "
                           f"It must match the tenant 'https://sts.windows.net/{owner}/' associated with this "
                           f"subscription. Please use the authority (URL) 'https://login.windows.net/{owner}' to "
                           "get the token."),
                {"WWW-Authenticate": f'Bearer authorization_uri="https://login.windows.net/{owner}", '
                                     'error="invalid_token", error_description="The access token is from the wrong '
                                     'issuer."'},
            )
        else:
            response = self.tenants[owner].send(request, **kwargs)
            status = response.status_code
        with self._lock:
            self.calls.append(TenantCall(token_tenant, claims.get("oid"), owner, request.method.upper(), path,
                                         query.get("api-version"), status))
        return response

    def _send_blob(self, request: Any, host: str, path: str, query: dict[str, str], **kwargs: Any) -> Any:
        """Storage of a registry: signed by SAS, not by an Entra token, so no tenant check here
        (the SAS says what may be read); the storage's own fake answers."""
        account = host.split(".", 1)[0]
        claims = token_claims(request)
        owner = next((tenant for tenant, fake in self.tenants.items()
                      if any(r.storage_account == account for r in fake.service.registries.values())), None)
        if owner is None:
            response = build_response(request, 404, error_body("AccountNotFound", f"no storage account {account}"))
        else:
            response = self.tenants[owner].send(request, **kwargs)
        with self._lock:
            self.calls.append(TenantCall((claims.get("tid") or "").lower() or None, claims.get("oid"), owner,
                                         request.method.upper(), f"//{host}{path}", query.get("api-version"),
                                         response.status_code))
        return response

    def _owner(self, path: str) -> str | None:
        """The tenant whose fake holds the registry or workspace the path addresses."""
        for tenant, fake in self.tenants.items():
            service = fake.service
            if match := _OPERATION.search(path.rstrip("/")):
                if match["id"] in service.operations:
                    return tenant
            elif match := _DISCOVERY.match(path.rstrip("/")):
                if service.registry(match["name"]) is not None:
                    return tenant
            elif match := _SCOPE.match(path):
                if match["scope"].lower() == "registries":
                    found = service.registry(match["name"])
                    if found is not None and found.subscription_id.lower() == match["sub"].lower():
                        return tenant
                elif service.workspace(match["sub"], match["rg"], match["name"]) is not None:
                    return tenant
        return None

    # --- records --------------------------------------------------------------------------------
    def by(self, principal: str) -> list[TenantCall]:
        """Every request made with this object id's tokens."""
        return [c for c in self.calls if c.principal == principal]
