"""``python -m postdeploy``: see ``postdeploy.cli``."""

from postdeploy.cli import app

app()
