"""Promotion: copy asset versions from a registry in another Entra tenant into this stack's registry.

``share`` cannot cross an Entra tenant, so a promotion downloads the source version with a
credential of the source tenant, proves what it copied with a content digest, and creates the
version in this registry with the stack's own credential, tagged with its lineage.

- ``gate``: whether the source version says it is ready (model stage, tags).
- ``digest``: the content digest of what was downloaded.
- ``lineage``: the tags a promoted version carries, and who promotes.
- ``identities``: one credential per side, the source one only ever reads.
- ``source``: reading and downloading the source version.
- ``copy``: building and creating the target version, then reading it back.
- ``kind``: the post-deploy kind (plan, apply) built on them.
"""
