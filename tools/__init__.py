"""Reproducible build scripts for embedded package data (read ../shared; not used at run time)."""
