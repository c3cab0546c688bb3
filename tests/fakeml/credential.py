"""A token credential for the fake: the bearer policy needs a token, the fake never checks it."""

from __future__ import annotations

import time
from typing import Any

from azure.core.credentials import AccessToken, AccessTokenInfo


class FakeCredential:
    """Implements both ``get_token`` and ``get_token_info`` like azure-identity credentials do."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("fake-token", int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        return AccessTokenInfo("fake-token", int(time.time()) + 3600)
