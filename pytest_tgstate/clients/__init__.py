"""Real clients run against a world's loopback server: Terraform and the aws CLI.

This package knows nothing about pytest; the plugin and plain scripts share it.
"""

from __future__ import annotations

from .environment import subprocess_environment
from .terraform import TerraformRun, TerraformWorkspace

__all__ = ["TerraformRun", "TerraformWorkspace", "subprocess_environment"]
