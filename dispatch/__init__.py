"""The day's plan: arrivals intake, screening, grouping, fleet and permits, solving, outputs."""
