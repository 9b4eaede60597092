"""Vendor and subcontractor oversight tracker."""
