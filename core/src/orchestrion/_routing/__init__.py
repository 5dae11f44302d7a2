"""Routing: conditions, rules, requirement analysis, health-aware choice, the
route cache and assembling a route into a workflow (DESIGN §8)."""
