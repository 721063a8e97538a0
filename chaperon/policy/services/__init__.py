"""Every change to the organisation's policy and its platform register."""

from .platforms import platform_register
from .policies import organisation_policy_save

__all__ = ["organisation_policy_save", "platform_register"]
