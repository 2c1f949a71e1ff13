"""IAM policy documents, their evaluation and the operation-to-action table.

This package knows nothing about moto, pytest or workflows: it turns a request
(principal, action, resource, condition context) and a set of policies into a
`Decision`.
"""

from __future__ import annotations

from .evaluation import AuthorizationRequest, Decision, PolicySet, evaluate
from .policy import Policy, PolicyError, Statement, load_policy
from .principal import Caller

__all__ = [
    "AuthorizationRequest",
    "Caller",
    "Decision",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Statement",
    "evaluate",
    "load_policy",
]
