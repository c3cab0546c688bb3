"""Pulumi program: validate the stack config, build the platform, export its outputs."""

from program.config import load_from_pulumi
from program.platform import deploy

deploy(load_from_pulumi())
