"""Places and reference data: stations, employers, depots, exits/checkpoints, districts."""
