"""Durable run state (DESIGN §7): the ``StateStore`` implementations, the
journal that commits step results before their dependents start, run
ownership (leases) and resume planning."""
