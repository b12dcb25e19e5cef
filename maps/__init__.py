"""Folium HTML maps of a plan and of the day's reference layers."""
