"""Reading a planning day: raw tables from a folder or workbook, validation, the Day, the blank
template."""
