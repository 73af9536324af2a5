"""安全审计: the append-only, hash-chained log of who did what (等保 2.0 安全审计).

``services.record`` is the one way an entry is written; ``services.verify`` walks the chain,
``services.prune`` drops entries past the retention. Readers are the office admin and the auditor
(``supervision.access.audit_entries_visible_to``).
"""
