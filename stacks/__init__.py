"""The config layer, the ground floor: Pulumi.<stack>.yaml in, a frozen, typed ``PlatformConfig`` out.

Holds the config contract (``model``, ``retraining``, ``fields``), its validation with a config
path and what is allowed for every problem (``load``, ``checks``, ``errors``), and what derives
from config alone: names (``naming``), ARM ids (``topology``), the access plan (``access``,
``roles``).

May import: the standard library, pydantic, PyYAML, and ``pulumi`` for ``ConfigError`` (a
``RunError``, so `pulumi up` prints it without a traceback). Never imports ``components``,
``program``, ``postdeploy``, ``policy`` or ``preview``; tests/architecture keeps it so.
"""
