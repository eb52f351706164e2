"""The program from one school year to the next (pure): the next year's roster planned from
last year's, what archiving last year's files changes, and the year-over-year figures
(teacher retention in the Impact Teams)."""
