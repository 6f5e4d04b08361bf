"""Transitional: the views still live in one module, split in the next commit."""
from monitoring.apis.reports import *  # noqa: F403
