"""One module per schema revision, oldest first (``r0001_…``, ``r0002_…``)."""
