"""case-audit: child-protection case-file audits in, validated and reconciled figures out.

The package layout follows the data flow: ingest -> validate -> warehouse -> reconcile -> publish.
"""
