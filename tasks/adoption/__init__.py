"""Adopting a township's own earlier report as its template and catalog (DESIGN §7)."""
