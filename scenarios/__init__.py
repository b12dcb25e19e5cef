"""What-if scenarios on a planning day, their parallel runner and comparison reports."""
