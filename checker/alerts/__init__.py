"""Alerts to the newsroom: webhook formats, signing, and outbox delivery.

Plain values and pure functions (destinations, payloads, slack, teams, signing, policy)
are kept apart from the one module that does I/O (dispatcher). See docs/alerts.md.
"""
