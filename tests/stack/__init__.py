"""Stacks of real processes for the fault tests and the production stack test (see processes.py)."""

from tests.stack.processes import *  # noqa: F403 - the helpers are imported from tests.stack
from tests.stack.processes import Stack  # noqa: F401 - named for readers and linters
