"""Rule implementations, one module per rule, grouped by family subpackage."""
