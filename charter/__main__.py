"""``python -m charter`` runs the command line."""

from charter.entry import main

raise SystemExit(main())
