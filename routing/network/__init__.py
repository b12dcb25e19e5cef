"""The road network: roads and their speeds, OSM loading, snapping, checkpoints, the day's network,
travel matrices."""
