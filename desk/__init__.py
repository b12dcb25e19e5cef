"""The duty desk: the web application a shift uses — sign in, days, upload and check a day,
plan it in a worker with a progress bar, the plan page with its map and downloads — with
accounts, roles and an audit trail in the day store (docs/desk.md).

Front door: ``desk.app.create_app``. Nothing here is imported by ``charter --help``.
"""
