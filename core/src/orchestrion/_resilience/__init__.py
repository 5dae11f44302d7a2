"""Per-step resilience: timeouts, retries, circuit breakers, fallbacks.

The engine builds one :class:`PolicyRunner` per step and awaits
:meth:`PolicyRunner.run` for each call; everything else here is its parts.
"""

from ._apply import FallbackHooks as FallbackHooks
from ._apply import Outcome as Outcome
from ._apply import PolicyRunner as PolicyRunner
from ._apply import RetryNotice as RetryNotice
from ._apply import RetryObserver as RetryObserver
from ._breaker import CircuitBreaker as CircuitBreaker
from ._breaker_state import BreakerMetrics as BreakerMetrics
from ._breaker_state import BreakerState as BreakerState
from ._breaker_state import BreakerTransition as BreakerTransition
from ._breakers import BreakerRegistry as BreakerRegistry
from ._failures import FailureLog as FailureLog
from ._failures import FailureRecord as FailureRecord
from ._policy import BreakerPolicy as BreakerPolicy
from ._policy import FailurePolicy as FailurePolicy
from ._policy import FallbackPolicy as FallbackPolicy
from ._policy import Policy as Policy
from ._policy import RetryPolicy as RetryPolicy
from ._policy import TimeoutPolicy as TimeoutPolicy
from ._policy import check_policy as check_policy
from ._policy import merge_policies as merge_policies
from ._retry import is_testing as is_testing
from ._retry import set_testing as set_testing

__all__ = [
    "BreakerMetrics",
    "BreakerPolicy",
    "BreakerRegistry",
    "BreakerState",
    "BreakerTransition",
    "CircuitBreaker",
    "FailureLog",
    "FailurePolicy",
    "FailureRecord",
    "FallbackHooks",
    "FallbackPolicy",
    "Outcome",
    "Policy",
    "PolicyRunner",
    "RetryNotice",
    "RetryObserver",
    "RetryPolicy",
    "TimeoutPolicy",
    "check_policy",
    "is_testing",
    "merge_policies",
    "set_testing",
]
