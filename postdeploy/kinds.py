"""Every kind of operation post-deploy runs, in apply order (each kind's ``phase``)."""

from __future__ import annotations

from typing import Any

from postdeploy import prune, pull, push, seed, share
from postdeploy.kind import Kind
from postdeploy.promotion.kind import PROMOTION
from postdeploy.retraining import schedule_kind

KINDS: tuple[Kind[Any, Any], ...] = (
    PROMOTION, seed.ENVIRONMENT, seed.COMPONENT, share.SHARE, push.PUSH, pull.PULL, schedule_kind.SCHEDULE,
    prune.PRUNE,
)
