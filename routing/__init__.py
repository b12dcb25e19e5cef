"""Road network, travel times under exit statuses, and the generic vehicle-routing solver."""
