"""Applications to the program: the rules as data (``sheet_templates/applications.yaml``),
each application checked against them with findings on its cells, and accepted applications
turned into Teams rows. Pure: no I/O here."""
