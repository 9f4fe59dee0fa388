"""Reconcile: computed figures against published figures and press claims."""
