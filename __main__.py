"""Pulumi program: validate the stack config, build the platform, export its outputs."""

from stacks.load import load_from_pulumi
from stacks.platform import build_platform, export_outputs

export_outputs(build_platform(load_from_pulumi()))
