"""Transitional: the views still live in one module, split in the next commit."""
from investment.apis.projects import *  # noqa: F403
