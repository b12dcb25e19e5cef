"""Charter planning: screening, fleet and permits, grouping, the bus problem, routes, reasons,
subsidy, bounds."""
