"""Per-tenant retraining: pipeline templates, schedule building and checks, next runs, share-back.

The public entry points are ``postdeploy.schedules`` (validate, build, preview the schedules) and
``postdeploy.retraining.share_back`` (share a retrained model version to the registry).
"""
