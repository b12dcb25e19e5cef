"""Supply planning: shipments by truck on the same network and solver layer."""
