"""Liveness: FetchResult (+ the host's answer to a random path) → Liveness. Pure."""

from checker.liveness.classify import classify

__all__ = ["classify"]
