"""Fleet lower bounds: minimum path cover and the duty (column generation) bound."""
