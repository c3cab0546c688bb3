"""Every kind of operation post-deploy runs, in apply order (each kind's ``phase``)."""

from __future__ import annotations

from postdeploy import pull, push, seed, share
from postdeploy.promotion.kind import PROMOTION
from postdeploy.retraining import schedule_kind
from postdeploy.spec import Kind

KINDS: tuple[Kind, ...] = (
    PROMOTION, seed.ENVIRONMENT, seed.COMPONENT, share.SHARE, push.PUSH, pull.PULL, schedule_kind.SCHEDULE,
)
