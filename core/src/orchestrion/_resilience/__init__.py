"""Per-step resilience: timeouts, retries, circuit breakers, fallbacks."""
