"""How each command's result looks in a terminal (rich tables, progress bars)."""
